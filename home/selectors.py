"""What each role's home page reads: what waits for the person, what is late, how the office stands.

Every read here costs a fixed number of queries however many cases the office holds (the tests
pin the counts); lists are cut to `SHORTLIST_LENGTH` rows and say how many more there are.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from flows.flows import CaseFlow
from flows.selectors import inbox_tasks, queue_tasks, task_rows, tasks_visible_to
from lk3_flow.choices import HEAD_STAGES, OPEN_STAGES, CaseStatus, ProblemCategory
from lk3_flow.models import Case, CounselingSession, Partner
from lk3_flow.selectors import overdue
from permissions.roles import HEAD, ROLES
from permissions.selectors import counselors, pending_role_requests
from plans.selectors import pending_changes

SHORTLIST_LENGTH = 10
# The stages at which a case waits on its counselor.
COUNSELOR_STAGES = frozenset(OPEN_STAGES) - HEAD_STAGES


@dataclass(frozen=True)
class Shortlist:
    """The first rows of a list and how long the whole list is."""

    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _shortlist(queryset: QuerySet, length: int = SHORTLIST_LENGTH) -> Shortlist:
    return Shortlist(rows=list(queryset[:length]), total=queryset.count())


def week_start(now: datetime.datetime) -> datetime.datetime:
    """Monday 00:00 of the office's current week, in the office's time zone."""
    today = timezone.localtime(now).date()
    monday = today - datetime.timedelta(days=today.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))


def _head_nodes() -> list[Any]:
    return [
        node for node in CaseFlow.instance.nodes() if getattr(node, "acting_role", None) == HEAD
    ]


def decisions_waiting_for(user: AbstractBaseUser) -> Shortlist:
    """The head steps the person may decide, in the queue or already taken by them: the overdue
    ones first, longest overdue first, then the others oldest first.

    Two short reads rather than one sort: the overdue ones are read in the order of the cases'
    due-date index and the others in the order tasks were made, each stopping at the shortlist's
    length, where ordering every decision by its case's due date would sort them all.
    """
    tasks = (queue_tasks(CaseFlow, user) | inbox_tasks(CaseFlow, user)).filter(
        flow_task__in=_head_nodes()
    )
    visible = tasks_visible_to(user, tasks).select_related("process__case__client")
    late = overdue("process__case__")
    rows = list(
        visible.filter(late).order_by(F("process__case__due_at").asc(), "pk")[:SHORTLIST_LENGTH]
    )
    if len(rows) < SHORTLIST_LENGTH:
        rows += visible.exclude(late).order_by("created", "pk")[: SHORTLIST_LENGTH - len(rows)]
    return Shortlist(rows=rows, total=visible.count())


def plan_changes_waiting() -> Shortlist:
    """Changes to case plans that wait for a head, the oldest first."""
    return _shortlist(pending_changes())


def tasks_of(user: AbstractBaseUser) -> Shortlist:
    """The person's own open tasks: overdue ones first, then those returned by a head, then by
    the case's due time. One person's tasks are few enough to sort (the returned flag is no
    column an index could hold anyway)."""
    tasks = task_rows(user, inbox_tasks(CaseFlow, user))
    return _shortlist(
        tasks.order_by(
            "-is_overdue",
            "-returned",
            F("process__case__due_at").asc(nulls_last=True),
            "created",
            "pk",
        )
    )


@dataclass(frozen=True)
class CounselorLoad:
    counselor: Any
    open_cases: int
    overdue: int


@dataclass(frozen=True)
class OfficePicture:
    """How the office's open cases stand, counted in one pass over them."""

    by_counselor: list[CounselorLoad]
    by_stage: list[tuple[str, int]]
    unassigned_overdue: int
    open_cases: int
    overdue: int


def office_picture(now: datetime.datetime) -> OfficePicture:
    """Open cases per counselor and per stage, and which are overdue; two queries in all."""
    rows = (
        Case.objects.filter(status=CaseStatus.OPEN)
        .values("counselor", "stage")
        .annotate(cases=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
        .order_by()
    )
    per_counselor: Counter = Counter()
    late_per_counselor: Counter = Counter()
    per_stage: Counter = Counter()
    late_elsewhere = 0
    for row in rows:
        per_stage[row["stage"]] += row["cases"]
        if row["counselor"] is not None:
            per_counselor[row["counselor"]] += row["cases"]
        if row["counselor"] is not None and row["stage"] in COUNSELOR_STAGES:
            late_per_counselor[row["counselor"]] += row["overdue"]
        else:
            late_elsewhere += row["overdue"]
    loads = [
        CounselorLoad(
            counselor=person,
            open_cases=per_counselor[person.pk],
            overdue=late_per_counselor[person.pk],
        )
        for person in counselors().order_by("first_name", "last_name", "username")
    ]
    return OfficePicture(
        by_counselor=sorted(loads, key=lambda load: (-load.overdue, -load.open_cases)),
        by_stage=[(stage.label, per_stage[stage]) for stage in OPEN_STAGES],
        unassigned_overdue=late_elsewhere,
        open_cases=sum(per_stage.values()),
        overdue=sum(late_per_counselor.values()) + late_elsewhere,
    )


def open_cases_by_problem() -> list[tuple[str, int]]:
    """How many open cases name each problem category (a case may name several), in one query.

    The categories are kept as a JSON list of codes; a code appears in that text only as a
    quoted element, which both SQLite and PostgreSQL match without JSON functions of their own.
    """
    counts = Case.objects.filter(status=CaseStatus.OPEN).aggregate(
        **{
            category.value: Count(
                "pk", filter=Q(problem_categories__icontains=f'"{category.value}"')
            )
            for category in ProblemCategory
        }
    )
    return [(category.label, counts[category.value]) for category in ProblemCategory]


def cases_registered_since(moment: datetime.datetime) -> int:
    return Case.objects.filter(created_at__gte=moment).count()


@dataclass(frozen=True)
class Appointment:
    when: datetime.datetime
    held: bool
    session: CounselingSession


def sessions_this_week(user: AbstractBaseUser, now: datetime.datetime) -> list[Appointment]:
    """The person's sessions held this week and those planned for it, in time order.

    A planned session counts while no later session of the case has been recorded.
    """
    start = week_start(now)
    end = start + datetime.timedelta(days=7)
    later_recorded = CounselingSession.objects.filter(case=OuterRef("case"), pk__gt=OuterRef("pk"))
    sessions = (
        CounselingSession.objects.filter(counselor=user, case__status=CaseStatus.OPEN)
        .filter(
            Q(held_at__gte=start, held_at__lt=end)
            | Q(next_session_at__gte=start, next_session_at__lt=end)
        )
        .annotate(superseded=Exists(later_recorded))
        .select_related("case__client")
        .order_by("pk")[:100]
    )
    appointments = []
    for session in sessions:
        if session.held_at and start <= session.held_at < end:
            appointments.append(Appointment(when=session.held_at, held=True, session=session))
        planned = session.next_session_at
        if planned and start <= planned < end and not session.superseded:
            appointments.append(Appointment(when=planned, held=False, session=session))
    return sorted(appointments, key=lambda appointment: appointment.when)


def registrations_of(user: AbstractBaseUser) -> Shortlist:
    """The cases the person registered, newest first, with where each stands."""
    return _shortlist(
        Case.objects.filter(registered_by=user)
        .select_related("client", "counselor")
        .order_by("-created_at", "-pk")
    )


def recent_case_events() -> list[AuditEvent]:
    """What people last did on cases, for the auditor's first look; each case's timeline holds
    the rest, the background worker's filing of letters too."""
    return list(
        AuditEvent.objects.filter(case__isnull=False, actor__isnull=False)
        .select_related("case")
        .order_by("-pk")[:SHORTLIST_LENGTH]
    )


@dataclass(frozen=True)
class StaffPicture:
    active_by_role: list[tuple[str, int]]
    without_role: int
    deactivated: int
    partners_active: int
    partners_inactive: int
    role_requests: int


def staff_picture() -> StaffPicture:
    """How many people hold each role, and the state of the partner list: four queries."""
    people = get_user_model().objects.all()
    per_role = dict(
        people.filter(is_active=True, groups__isnull=False)
        .values_list("groups__name")
        .annotate(count=Count("pk"))
        .order_by()
    )
    totals = people.aggregate(
        without_role=Count("pk", distinct=True, filter=Q(is_active=True, groups__isnull=True)),
        deactivated=Count("pk", distinct=True, filter=Q(is_active=False)),
    )
    partners = Partner.objects.aggregate(
        in_use=Count("pk", filter=Q(active=True)), retired=Count("pk", filter=Q(active=False))
    )
    return StaffPicture(
        active_by_role=[(role.label, per_role.get(role.group_name, 0)) for role in ROLES],
        without_role=totals["without_role"],
        deactivated=totals["deactivated"],
        partners_active=partners["in_use"],
        partners_inactive=partners["retired"],
        role_requests=pending_role_requests().count(),
    )
