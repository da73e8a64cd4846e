"""Driving a case through its process from code, exactly as its pages do.

Viewflow's activation methods do not check who calls them, so every entry point here checks the
actor's right to act on the task first, takes the process lock, and runs the domain write and the
task completion in one transaction: a failure leaves the case and its tasks as they were.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit import services as audit
from audit.context import acting_as
from audit.models import Action
from lk3_flow import services
from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case
from permissions.selectors import (
    may_act_on_task,
    may_reassign_cases,
    may_reopen_cases,
    may_withdraw_cases,
)

from .flows import CaseFlow
from .steps import completing, keep_for_the_flow, register_in_activation

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def acting(service: Callable[..., Any]) -> Callable[..., Any]:
    """Run a service with its `actor` as the person the audit log names for what happens."""

    @wraps(service)
    def attributed(*args: Any, actor: AbstractBaseUser, **kwargs: Any) -> Any:
        with acting_as(actor):
            return service(*args, actor=actor, **kwargs)

    return attributed


def request_for(actor: AbstractBaseUser) -> HttpRequest:
    """Viewflow's activations take the acting user from a request."""
    request = HttpRequest()
    request.user = actor
    return request


def open_tasks(case: Case) -> Any:
    return (
        Task.objects.filter(process_id=case.process_id, status__in=OPEN_TASK_STATUSES)
        .select_related("owner")
        .order_by("id")
    )


@acting
def start_case(*, actor: AbstractBaseUser, registration: services.Registration) -> Case:
    flow_task = CaseFlow.intake
    if not flow_task.can_execute(actor):
        raise PermissionDenied
    activation = flow_task.activation_class.create(flow_task, None, None)
    with transaction.atomic(), audit.action(Action.CASE_CREATED):
        activation.start(request_for(actor))
        return register_in_activation(activation, actor=actor, registration=registration)


@acting
def complete_task(
    case: Case, *, actor: AbstractBaseUser, step: Callable[[Case], object], task_name: str
) -> None:
    """Take the case's open `task_name` task (from the queue if need be), record `step`, end it."""
    with CaseFlow.lock(case.process_id), transaction.atomic(savepoint=False):
        task = (
            Task.objects.select_related("process", "owner")
            .filter(process_id=case.process_id, status__in=OPEN_TASK_STATUSES)
            .get(flow_task=getattr(CaseFlow, task_name))
        )
        flow_task = task.flow_task
        activation = flow_task.activation_class(task)
        with completing(task, case_id=case.pk):
            if task.owner_id is None and flow_task.can_assign(actor, task):
                activation.assign(actor)
            if not flow_task.can_execute(actor, task):
                raise PermissionDenied
            activation.start(request_for(actor))
            case = Case.objects.select_related("counselor").get(pk=case.pk)
            # The flow's callbacks and the task receivers reach the case through the process:
            # give them this one rather than a query each.
            activation.process.case = task.process.case = case
            keep_for_the_flow(activation.process, step(case))
            activation.execute()


@acting
def withdraw_case(case: Case, *, actor: AbstractBaseUser, reason: str) -> None:
    """End a case's process at whatever stage it is, keeping the head's reason."""
    if not may_withdraw_cases(actor):
        raise PermissionDenied
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("Only an open case can be withdrawn."))
    with transaction.atomic(), audit.action(Action.CASE_CHANGED, case=case, obj=case):
        services.mark_withdrawn(case, reason)
        CaseFlow.instance.cancel(case.process)


@acting
def reopen_case(case: Case, *, actor: AbstractBaseUser, reason: str) -> Case:
    """Open a new case for the client of a closed one; it goes straight to counselor assignment."""
    if not may_reopen_cases(actor):
        raise PermissionDenied
    with transaction.atomic(), audit.action(Action.CASE_CREATED):
        new_case = services.register_case(
            actor=actor, registration=services.reopening_of(case, reason=reason)
        )
        CaseFlow.reopen.run(case=new_case, actor=actor)
    return new_case


@acting
def reassign_case(
    case: Case, *, actor: AbstractBaseUser, counselor: AbstractBaseUser, reason: str
) -> None:
    """Give an open case to another counselor, with the tasks that waited for the previous one."""
    if not may_reassign_cases(actor):
        raise PermissionDenied
    with (
        CaseFlow.lock(case.process_id),
        transaction.atomic(savepoint=False),
        audit.action(Action.CASE_CHANGED, case=case, obj=case),
    ):
        case = Case.objects.select_related("counselor").get(pk=case.pk)
        change = services.change_counselor(
            case=case, counselor=counselor, actor=actor, reason=reason
        )
        for task in Task.objects.filter(
            process_id=case.process_id, status__in=OPEN_TASK_STATUSES, owner=change.previous
        ):
            task.owner = counselor
            task.save(update_fields=["owner"])


@dataclass(frozen=True)
class HandOver:
    cases: int
    tasks: int


def hand_over_open_tasks(
    by: AbstractBaseUser, from_user: AbstractBaseUser, to_user: AbstractBaseUser, *, reason: str
) -> HandOver:
    """Give everything a deactivated person still carries to one active colleague, at once.

    Their open cases move to the new counselor exactly as a reassignment moves one (the case
    file's access with them, a counselor change with the reason); every other open task they
    own follows, if the colleague holds the role it needs. All or nothing: one task the colleague
    may not take leaves everything as it was.
    """
    if not may_reassign_cases(by):
        raise PermissionDenied
    if from_user.is_active:
        raise ValidationError(
            _(
                "Only a deactivated person's tasks are handed over here; "
                "reassign the cases of an active person one by one."
            )
        )
    if not to_user.is_active or to_user.pk == from_user.pk:
        raise ValidationError(_("Choose an active person to take the tasks over."))
    if not reason.strip():
        raise ValidationError(_("A reason for the hand-over is required."))
    owned = Task.objects.filter(owner=from_user, status__in=OPEN_TASK_STATUSES)
    counselled = Case.objects.filter(counselor=from_user, status=CaseStatus.OPEN)
    process_ids = sorted(
        set(owned.values_list("process_id", flat=True))
        | set(counselled.values_list("process_id", flat=True))
    )
    with acting_as(by), transaction.atomic(), contextlib.ExitStack() as locks:
        # In one order for everybody, so that two hand-overs cannot wait for each other.
        for process_id in process_ids:
            locks.enter_context(CaseFlow.lock(process_id))
        cases = {case.process_id: case for case in counselled.select_related("counselor")}
        tasks = list(owned.order_by("id"))
        case_ids = dict(
            Case.objects.filter(process_id__in=process_ids).values_list("process_id", "pk")
        )
        for process_id in process_ids:
            _hand_over_case(
                case_ids.get(process_id),
                cases.get(process_id),
                [task for task in tasks if task.process_id == process_id],
                by=by,
                from_user=from_user,
                to_user=to_user,
                reason=reason,
            )
    return HandOver(cases=len(cases), tasks=len(tasks))


def _hand_over_case(
    case_id: int | None,
    case: Case | None,
    tasks: list[Task],
    *,
    by: AbstractBaseUser,
    from_user: AbstractBaseUser,
    to_user: AbstractBaseUser,
    reason: str,
) -> None:
    """One event per case, so that each case's timeline tells why its tasks changed hands."""
    with audit.action(
        Action.TASKS_HANDED_OVER,
        case_id=case_id,
        obj=from_user,
        details={
            "user": from_user.get_username(),
            "from_user_id": from_user.pk,
            "to_user_id": to_user.pk,
            "to": to_user.get_username(),
            "tasks": [task.pk for task in tasks],
            "reason": reason,
        },
    ):
        if case is not None:
            services.change_counselor(case=case, counselor=to_user, actor=by, reason=reason)
        for task in tasks:
            if not may_act_on_task(to_user, task):
                raise ValidationError(
                    _("%(person)s may not take over the task “%(task)s”.")
                    % {"person": to_user.get_full_name() or to_user, "task": task.flow_task}
                )
            task.owner = to_user
            task.save(update_fields=["owner"])
