"""Reads over the process: who has which open task, and which are late."""

import datetime

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.utils import timezone
from viewflow.workflow.models import Task

from permissions.selectors import counselors

from .flows import CaseFlow
from .services import OPEN_TASK_STATUSES

# How long a counselor's task may wait before the head sees it as overdue.
TASK_DUE_DAYS = {
    CaseFlow.assessment: 7,
    CaseFlow.counseling: 14,
    CaseFlow.propose_referral: 3,
    CaseFlow.partner_response: 14,
    CaseFlow.propose_closure: 3,
}


def open_counselor_tasks() -> QuerySet:
    """Open counselor tasks with their due time and whether it has passed."""
    due = Choose(
        *[
            When(
                flow_task=node,
                then=ExpressionWrapper(
                    F("created") + Value(datetime.timedelta(days=days)),
                    output_field=DateTimeField(),
                ),
            )
            for node, days in TASK_DUE_DAYS.items()
        ],
        output_field=DateTimeField(),
    )
    return (
        Task.objects.filter(
            status__in=OPEN_TASK_STATUSES,
            flow_task__in=list(TASK_DUE_DAYS),
            owner__isnull=False,
        )
        .annotate(due=due)
        .annotate(
            overdue=Choose(
                When(due__lt=timezone.now(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def workload_by_counselor() -> list[dict]:
    """Every active counselor with their open and overdue task counts, busiest first."""
    counts = {
        row["owner"]: row
        for row in open_counselor_tasks()
        .values("owner")
        .annotate(open=Count("id"), late=Count("id", filter=Q(overdue=True)))
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
    return (
        open_counselor_tasks()
        .select_related("owner", "process__case__client")
        .order_by("-overdue", "due", "id")[:limit]
    )
