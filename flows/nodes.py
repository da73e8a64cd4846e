"""The kinds of human step in a case's process, and who may act on each.

Viewflow decides who may assign, give back and execute a task in the node's `can_*` methods,
which its single-task pages, its bulk forms and its transitions' permissions all call. Its defaults
let anyone who may open the process take a task nobody owns; here every one of those methods asks
`permissions.selectors.may_act_on_task`, so there is one rule for every way in. Their pages also
tell a person who was too late what happened instead of refusing them (`flows.conflicts`).
"""

from functools import update_wrapper
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.fsm import TransitionNotAllowed
from viewflow.utils import is_owner
from viewflow.workflow import flow
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.status import STATUS

from permissions.roles import COUNSELOR, HEAD, Role
from permissions.selectors import may_act_on_task

from .conflicts import explained


class NamedByCase:
    """Says what was taken or given back by the case's number and the step's title; viewflow's
    own message names the task by its row id ("Task #270 has been assigned")."""

    case_message: Any = ""

    def get_success_message(self, cleaned_data: dict[str, Any]) -> str:
        task = self.request.activation.task
        return self.case_message % {"step": task.title, "number": task.process.case.number}


class TakeTaskView(NamedByCase, flow_views.AssignTaskView):
    case_message = _("You have taken “%(step)s” of case %(number)s.")


class GiveBackTaskView(NamedByCase, flow_views.UnassignTaskView):
    case_message = _("“%(step)s” of case %(number)s is back in the queue.")


class CaseTask(flow.View):
    """A human step of a case; subclasses say whose it is."""

    acting_role: Role
    assign_view_class = TakeTaskView
    unassign_view_class = GiveBackTaskView

    def can_execute(self, user: AbstractBaseUser, task: Any) -> bool:
        return is_owner(task.owner, user) and may_act_on_task(user, task)

    # Viewflow's own checks look at the owner only, so a finished step offered its give-back
    # form; only a waiting step may be taken, only a taken one given back.
    def can_assign(self, user: AbstractBaseUser, task: Any) -> bool:
        return task.status == STATUS.NEW and task.owner_id is None and may_act_on_task(user, task)

    def can_unassign(self, user: AbstractBaseUser, task: Any) -> bool:
        return (
            task.status == STATUS.ASSIGNED
            and task.owner_id is not None
            and may_act_on_task(user, task)
        )

    # When a colleague got there first, these pages say so (`flows.conflicts`).

    @property
    def view_path(self) -> URLPattern:
        return explained(super().view_path, self, "execute")

    @property
    def assign_path(self) -> URLPattern | None:
        return explained(super().assign_path, self, "assign")

    @property
    def unassign_path(self) -> URLPattern | None:
        return explained(super().unassign_path, self, "unassign")


class CounselorTask(CaseTask):
    """The case counselor's step, assigned to them when it is created.

    It is never given back: an unowned counselor task was the first step of a take-over, and
    moving a case's work to someone else is the head's reassignment, with a reason, on the case.
    """

    acting_role = COUNSELOR

    def can_unassign(self, user: AbstractBaseUser, task: Any) -> bool:
        return False


class DecisionIndexView(generic.RedirectView):
    """A head's task link leads to its page whether or not the head has taken the task yet."""

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        activation = self.request.activation
        task, node = activation.task, activation.flow_task
        if node.can_decide(self.request.user, task):
            return node.reverse("execute", args=[task.process_id, task.pk])
        if node.can_view(self.request.user, task):
            return node.reverse("detail", args=[task.process_id, task.pk])
        raise PermissionDenied


def decision_view(node: "HeadTask", origin_view: Any) -> Any:
    """Viewflow's execute wrapper (`viewflow.workflow.flow.utils.wrap_view`), for a task that
    may still be in the queue: such a task is not started here but taken by the view itself
    when its form is valid (`flows.views.CaseTaskView.form_valid`)."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        process_pk, task_pk = kwargs["process_pk"], kwargs["task_pk"]

        def call_with_activation() -> HttpResponse:
            task = get_object_or_404(node.flow_class.task_class, pk=task_pk)
            if task.process.flow_class != node.flow_class:
                raise Http404
            request.activation = node.activation_class(task)
            if node.can_execute(request.user, task):
                request.activation.start(request)
            elif not node.can_assign(request.user, task):
                raise PermissionDenied
            return origin_view(request, *args, **kwargs)

        try:
            if request.method == "POST":
                with node.flow_class.lock(process_pk), transaction.atomic():
                    return call_with_activation()
            return call_with_activation()
        except TransitionNotAllowed as error:
            raise PermissionDenied(",".join(error.args)) from error

    update_wrapper(view, origin_view)
    return view


class HeadTask(CaseTask):
    """A head's step, waiting in the heads' queue; any head may take it or put it back there.

    A head decides straight from the queue: the step's page opens for a task nobody owns, and
    sending its form takes the task and completes it in one transaction (`flows.views`), so
    a form sent back for correction leaves the task in the queue as it was.
    """

    acting_role = HEAD

    def can_decide(self, user: AbstractBaseUser, task: Any) -> bool:
        """Whether the step's page opens for this user: their own task, or one in the queue."""
        return self.can_execute(user, task) or self.can_assign(user, task)

    index_view_class = DecisionIndexView

    @property
    def view_path(self) -> URLPattern:
        return explained(
            path(
                f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
                decision_view(self, self.view),
                name="execute",
            ),
            self,
            "execute",
        )
