"""Driving a case through its process from code, exactly as its pages do.

Viewflow's activation methods do not check who calls them, so every entry point here checks the
actor's right to act on the task first, takes the process lock, and runs the domain write and the
task completion in one transaction: a failure leaves the case and its tasks as they were.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.context import acting_as
from lk3_flow import services
from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case
from permissions.selectors import may_reassign_cases, may_reopen_cases, may_withdraw_cases

from .flows import CaseFlow
from .steps import register_in_activation

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
    with transaction.atomic():
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
        if task.owner_id is None and flow_task.can_assign(actor, task):
            activation.assign(actor)
        if not flow_task.can_execute(actor, task):
            raise PermissionDenied
        activation.start(request_for(actor))
        step(Case.objects.get(pk=case.pk))
        activation.execute()


@acting
def withdraw_case(case: Case, *, actor: AbstractBaseUser, reason: str) -> None:
    """End a case's process at whatever stage it is, keeping the head's reason."""
    if not may_withdraw_cases(actor):
        raise PermissionDenied
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("Only an open case can be withdrawn."))
    with transaction.atomic():
        services.mark_withdrawn(case, reason)
        CaseFlow.instance.cancel(case.process)


@acting
def reopen_case(case: Case, *, actor: AbstractBaseUser, reason: str) -> Case:
    """Open a new case for the client of a closed one; it goes straight to counselor assignment."""
    if not may_reopen_cases(actor):
        raise PermissionDenied
    with transaction.atomic():
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
    with CaseFlow.lock(case.process_id), transaction.atomic(savepoint=False):
        case = Case.objects.select_related("counselor").get(pk=case.pk)
        change = services.change_counselor(
            case=case, counselor=counselor, actor=actor, reason=reason
        )
        for task in Task.objects.filter(
            process_id=case.process_id, status__in=OPEN_TASK_STATUSES, owner=change.previous
        ):
            task.owner = counselor
            task.save(update_fields=["owner"])
