"""Reads of case plans: what the case page, the task pages and other services need to know."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from lk3_flow.choices import CaseStatus, next_steps_for
from lk3_flow.models import Assessment, Case
from permissions.roles import COUNSELOR, HEAD, MANAGE_CASE
from permissions.selectors import CaseAccess, case_access

from .models import OPEN_STATUSES, Goal, GoalReview, GoalStatus, PlanChange


def responsible_candidates() -> QuerySet:
    """Who may answer for a goal: an active member of staff who counsels or heads the office."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[COUNSELOR.group_name, HEAD.group_name])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def goals_of(case: Case) -> QuerySet:
    """The case's plan: its approved goals, dropped ones included, in their order."""
    return Goal.objects.filter(case=case, approved=True).order_by("position", "id")


def open_goals_of(case: Case) -> QuerySet:
    """The approved goals still being worked on, the ones each session reviews."""
    return goals_of(case).filter(status__in=OPEN_STATUSES)


def closed_goals_of(case: Case) -> QuerySet:
    """The approved goals no longer worked on: achieved, not achieved or dropped."""
    return goals_of(case).exclude(status__in=OPEN_STATUSES).select_related("responsible")


def planned_services(case: Case) -> set[str]:
    """The services of the approved goals still open: what the office still means to give."""
    services: set[str] = set()
    for goal_services in open_goals_of(case).values_list("services", flat=True):
        services.update(goal_services)
    return services


def next_steps_offered(case: Case) -> list[str]:
    """What the counselor may choose after a service (`next_steps_for`): the steps that give a
    service of the plan's open goals, and closure. A case without an approved plan, as one
    registered before plans were kept, is offered every step."""
    goals = list(goals_of(case).values_list("status", "services"))
    if not goals:
        return next_steps_for(None)
    return next_steps_for(
        {service for status, services in goals if status in OPEN_STATUSES for service in services}
    )


def goals_written_in(assessment: Assessment | None) -> list[Goal]:
    """The goals an assessment proposed, as the counselor wrote them (empty without one)."""
    if assessment is None:
        return []
    return list(assessment.plan_goals.select_related("responsible").order_by("position", "id"))


def plan_rows(case: Case) -> list[Goal]:
    """The plan as the case page shows it, each goal with its latest review, in one query.

    The latest review's status, note and date come from subqueries over the reviews' index, so
    the page costs the same however many goals and sessions the case has.
    """
    latest = GoalReview.objects.filter(goal=OuterRef("pk")).order_by("-reviewed_at", "-id")
    return list(
        goals_of(case)
        .select_related("responsible")
        .annotate(
            last_note=Subquery(latest.values("note")[:1]),
            last_reviewed_at=Subquery(latest.values("reviewed_at")[:1]),
        )
    )


@dataclass(frozen=True)
class PlanProgress:
    achieved: int
    total: int


def progress_of(goals: list[Goal]) -> PlanProgress:
    """How many of the goals still pursued or reached were achieved; dropped ones do not count."""
    counted = [goal for goal in goals if goal.status != GoalStatus.DROPPED]
    return PlanProgress(
        achieved=sum(goal.status == GoalStatus.ACHIEVED for goal in counted), total=len(counted)
    )


def is_late(goal: Goal) -> bool:
    """A goal still open after its target date."""
    return goal.status in OPEN_STATUSES and goal.target_date < timezone.localdate()


def pending_change(case: Case) -> PlanChange | None:
    return (
        PlanChange.objects.filter(case=case, review="pending").select_related("proposed_by").first()
    )


def pending_changes() -> QuerySet:
    """Every plan change that waits for a head, the oldest first, for the heads' home page."""
    return (
        PlanChange.objects.filter(review="pending", case__status=CaseStatus.OPEN)
        .select_related("case__client", "proposed_by")
        .order_by("created_at", "id")
    )


def may_see_plan(user: AbstractBaseUser, case: Case, access: CaseAccess | None = None) -> bool:
    """The plan is part of the whole case file."""
    return (case_access(user, case) if access is None else access) == CaseAccess.FULL


def may_propose_change(
    user: AbstractBaseUser, case: Case, access: CaseAccess | None = None
) -> bool:
    """The case's counselor proposes changes to the plan of an open case."""
    return (
        user.is_authenticated
        and user.is_active
        and case.status == CaseStatus.OPEN
        and case.counselor_id == user.pk
        and user.groups.filter(name=COUNSELOR.group_name).exists()
        and may_see_plan(user, case, access)
    )


def may_decide_change(user: AbstractBaseUser) -> bool:
    """A head approves or returns a plan change."""
    return user.is_authenticated and user.is_active and user.has_perm(MANAGE_CASE)


@dataclass(frozen=True)
class PlanCard:
    """The plan as the case page shows it, with what the reader may do about it."""

    goals: list[Goal]
    progress: PlanProgress
    pending: PlanChange | None
    may_propose: bool
    may_decide: bool


def plan_card(user: AbstractBaseUser, case: Case, access: CaseAccess) -> PlanCard | None:
    """The case page's plan card for a reader of the whole file, in a fixed number of queries;
    None for anyone else."""
    if access != CaseAccess.FULL:
        return None
    goals = plan_rows(case)
    for goal in goals:
        goal.late = is_late(goal)
    pending = pending_change(case)
    return PlanCard(
        goals=goals,
        progress=progress_of(goals),
        pending=pending,
        may_propose=pending is None and bool(goals) and may_propose_change(user, case, access),
        may_decide=pending is not None and may_decide_change(user),
    )


@dataclass(frozen=True)
class ChangeRow:
    """One entry of a plan change as a reader compares it: the goal now, and as proposed."""

    current: Goal | None
    description: str
    services: list[str]
    responsible: AbstractBaseUser | None
    target_date: datetime.date
    drop: bool
    drop_reason: str


def change_rows(change: PlanChange) -> list[ChangeRow]:
    """The change's entries beside the goals they change, in two queries however many."""
    entries = change.goals
    goals = Goal.objects.select_related("responsible").in_bulk(
        [entry["goal"] for entry in entries if entry["goal"] is not None]
    )
    people = get_user_model().objects.in_bulk([entry["responsible"] for entry in entries])
    return [
        ChangeRow(
            current=goals.get(entry["goal"]) if entry["goal"] is not None else None,
            description=entry["description"],
            services=entry["services"],
            responsible=people.get(entry["responsible"]),
            target_date=datetime.date.fromisoformat(entry["target_date"]),
            drop=entry["drop"],
            drop_reason=entry["drop_reason"],
        )
        for entry in entries
    ]
