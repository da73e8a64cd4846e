"""The smallest flow with the node types a case task goes through, to compare against."""

from typing import Any

from django.contrib.auth import get_user_model
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView


class MinimalFlow(flow.Flow):
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle().Next(this.work)
    work = flow.View(UpdateProcessView.as_view(fields=[])).Assign(this.owner).Next(this.check)
    check = flow.If(lambda activation: True).Then(this.letter).Else(this.work)
    letter = flow.Function(lambda activation: None).Next(this.work_again)
    work_again = flow.View(UpdateProcessView.as_view(fields=[])).Assign(this.owner).Next(this.end)
    end = flow.End()

    def owner(self, activation: Any) -> Any:
        return get_user_model().objects.get(pk=activation.process.data["owner"])
