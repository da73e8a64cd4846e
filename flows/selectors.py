"""Reads over the process: who has which open task, and which are late."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    BooleanField,
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Choose
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case
from lk3_flow.selectors import overdue, with_overdue_flag
from permissions.selectors import counselors, open_process_ids, sees_every_case

from .flows import CaseFlow
from .nodes import CounselorTask
from .services import OPEN_TASK_STATUSES


def _tasks_of(flow_class: Any) -> QuerySet:
    """Tasks of the flow, told by their own node reference: viewflow's filter on the process's
    flow class joins every task to its process, which on a busy desk costs more than the list."""
    return Task.objects.filter(flow_task__in=list(flow_class.instance.nodes()))


def queue_tasks(flow_class: Any, user: AbstractBaseUser) -> QuerySet:
    """Unassigned tasks the user's role may take. Viewflow's own query also matches per-object
    task permissions through a computed column, which no index can serve; this flow grants task
    permissions only by role."""
    return _tasks_of(flow_class).filter(
        flow_task_type="HUMAN",
        status=STATUS.NEW,
        owner_permission__in=user.get_all_permissions(),
    )


def inbox_tasks(flow_class: Any, user: AbstractBaseUser) -> QuerySet:
    return _tasks_of(flow_class).filter(owner=user, status=STATUS.ASSIGNED)


def task_rows(user: AbstractBaseUser, tasks: QuerySet) -> QuerySet:
    """Of `tasks`, those the user may see, as the inbox and the queue list them: with their case
    and client, whether a head returned them, and whether the case is overdue."""
    # Every listed task is a case's: saying so joins the case as an inner join, which lets the
    # database read tasks in the cases' most-pressing order (an index) instead of sorting them all.
    rows = (
        tasks_visible_to(user, tasks)
        .filter(process__case__isnull=False)
        .select_related("process__case__client", "owner")
    )
    return with_overdue_flag(rows, "process__case__").annotate(
        returned=Choose(
            When(data__has_key="returned_comment", then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def tasks_visible_to(user: AbstractBaseUser, tasks: QuerySet) -> QuerySet:
    """Of `tasks`, those of case files open to the user: viewflow filters by flow class only."""
    if sees_every_case(user):
        return tasks
    return tasks.filter(process_id__in=open_process_ids(user))


def _counselor_nodes() -> list[Any]:
    return [node for node in CaseFlow.instance.nodes() if isinstance(node, CounselorTask)]


def open_counselor_tasks() -> QuerySet:
    """Open counselor tasks with the due time of their case's step (`Case.due_at`, the one
    notion of due) and whether it has passed, as `is_overdue`."""
    return with_overdue_flag(
        Task.objects.filter(
            status__in=OPEN_TASK_STATUSES,
            flow_task__in=_counselor_nodes(),
            owner__isnull=False,
        ),
        "process__case__",
    )


def workload_by_counselor() -> list[dict]:
    """Every active counselor with their open and overdue task counts, busiest first."""
    counts = {
        row["owner"]: row
        for row in open_counselor_tasks()
        .values("owner")
        .annotate(open=Count("id"), late=Count("id", filter=overdue("process__case__")))
    }
    rows = [
        {
            "counselor": counselor,
            "open": counts.get(counselor.pk, {}).get("open", 0),
            "overdue": counts.get(counselor.pk, {}).get("late", 0),
        }
        for counselor in counselors()
    ]
    return sorted(rows, key=lambda row: (-row["overdue"], -row["open"]))


def counselor_tasks_overdue_first(limit: int = 200) -> QuerySet:
    """The soonest due first, which puts the overdue ones (due earliest) before the rest."""
    return (
        open_counselor_tasks()
        .select_related("owner", "process__case__client")
        .order_by(F("process__case__due_at").asc(nulls_last=True), "id")[:limit]
    )


def deactivated_with_open_work() -> list[dict]:
    """Deactivated people who still own open tasks or counsel open cases, which nobody then does.

    Three queries whatever their number.
    """
    tasks = dict(
        Task.objects.filter(status__in=OPEN_TASK_STATUSES, owner__is_active=False)
        .values("owner")
        .annotate(count=Count("id"))
        .values_list("owner", "count")
    )
    cases = dict(
        Case.objects.filter(status=CaseStatus.OPEN, counselor__is_active=False)
        .values("counselor")
        .annotate(count=Count("id"))
        .values_list("counselor", "count")
    )
    people = get_user_model().objects.in_bulk(set(tasks) | set(cases))
    rows = [
        {"person": person, "open_tasks": tasks.get(pk, 0), "open_cases": cases.get(pk, 0)}
        for pk, person in people.items()
    ]
    return sorted(rows, key=lambda row: (row["person"].get_full_name(), row["person"].pk))


def open_tasks_owned_by(user: AbstractBaseUser) -> QuerySet:
    return (
        Task.objects.filter(owner=user, status__in=OPEN_TASK_STATUSES)
        .select_related("process__case__client")
        .order_by("id")
    )


def hand_over_candidates(user: AbstractBaseUser) -> QuerySet:
    """Active colleagues who hold every role that the person's open work needs."""
    people = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    owned = Task.objects.filter(owner=user, status__in=OPEN_TASK_STATUSES)
    no_permission = Q(owner_permission__isnull=True) | Q(owner_permission="")
    needs_counselor = (
        owned.filter(no_permission).exists()
        or Case.objects.filter(counselor=user, status=CaseStatus.OPEN).exists()
    )
    if needs_counselor:
        people = people.filter(pk__in=counselors().values("pk"))
    for permission in set(owned.exclude(no_permission).values_list("owner_permission", flat=True)):
        app_label, codename = permission.split(".", 1)
        people = people.filter(
            pk__in=get_user_model().objects.filter(
                groups__permissions__content_type__app_label=app_label,
                groups__permissions__codename=codename,
            )
        )
    return people.order_by("first_name", "last_name", "username")
