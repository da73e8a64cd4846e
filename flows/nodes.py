"""The kinds of human step in a case's process, and who may act on each.

Viewflow decides who may assign, give back and execute a task in the node's `can_*` methods,
which its single-task pages, its bulk forms and its transitions' permissions all call. Its defaults
let anyone who may open the process take a task nobody owns; here every one of those methods asks
`permissions.selectors.may_act_on_task`, so there is one rule for every way in. Their pages also
tell a person who was too late what happened instead of refusing them (`flows.conflicts`).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.urls import URLPattern
from viewflow.utils import is_owner
from viewflow.workflow import flow

from permissions.roles import COUNSELOR, HEAD, Role
from permissions.selectors import may_act_on_task

from .conflicts import explained


class CaseTask(flow.View):
    """A human step of a case; subclasses say whose it is."""

    acting_role: Role

    def can_execute(self, user: AbstractBaseUser, task: Any) -> bool:
        return is_owner(task.owner, user) and may_act_on_task(user, task)

    def can_assign(self, user: AbstractBaseUser, task: Any) -> bool:
        return task.owner_id is None and may_act_on_task(user, task)

    def can_unassign(self, user: AbstractBaseUser, task: Any) -> bool:
        return task.owner_id is not None and may_act_on_task(user, task)

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


class HeadTask(CaseTask):
    """A head's step, waiting in the heads' queue; any head may take it or put it back there."""

    acting_role = HEAD
