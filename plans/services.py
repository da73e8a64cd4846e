"""Writes of case plans: goals written with the assessment, approved with it, reviewed at each
session, and changed only by an approved plan change.

Goal texts are the client's personal data: audit events carry them encrypted with the client's
key (`audit.personal`), as the client's own data and case notes are; reviews' notes stay out of
the audit log and live in their rows.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from audit import personal
from audit import services as audit
from audit.models import Action
from lk3_flow import personal_data
from lk3_flow.choices import CaseStatus, Review, Service
from lk3_flow.models import Assessment, Case

from . import selectors
from .models import (
    GOAL_LENGTH,
    MAX_GOALS,
    OPEN_STATUSES,
    REVIEW_NOTE_LENGTH,
    REVIEW_STATUSES,
    Goal,
    GoalReview,
    GoalStatus,
    PlanChange,
)


@dataclass(frozen=True)
class GoalData:
    """One goal as a counselor writes it."""

    description: str
    services: list[str]
    responsible: AbstractBaseUser
    target_date: datetime.date


@dataclass(frozen=True)
class ReviewData:
    """A goal's status and note as found at a step."""

    goal: Goal
    status: str
    note: str = ""


@dataclass(frozen=True)
class ProposedGoal:
    """One entry of a plan change: an edit of an approved goal (`goal`), a new goal (no `goal`),
    or the drop of one (`drop`, with a reason)."""

    data: GoalData
    goal: Goal | None = None
    drop: bool = False
    drop_reason: str = ""


def _check_goal(
    data: GoalData, today: datetime.date, *, kept_date: datetime.date | None = None
) -> None:
    """One goal's content, whoever wrote it: refused whole, with the reason.

    A target date already passed is refused unless it is the goal's own (`kept_date`): a late
    goal's other fields can be corrected without pretending it is on time.
    """
    if not data.description.strip():
        raise ValidationError(_("Every goal needs a description."))
    if len(data.description) > GOAL_LENGTH:
        raise ValidationError(
            _("A goal is at most %(length)d characters long.") % {"length": GOAL_LENGTH}
        )
    if not data.services or not set(data.services) <= set(Service.values):
        raise ValidationError(_("Every goal needs at least one of the office's services."))
    if not selectors.responsible_candidates().filter(pk=data.responsible.pk).exists():
        raise ValidationError(
            _("The person responsible for a goal must be an active counselor or head.")
        )
    if data.target_date < today and data.target_date != kept_date:
        raise ValidationError(_("A goal's target date cannot be in the past."))


def _check_count(count: int) -> None:
    if count < 1:
        raise ValidationError(_("The plan needs at least one goal."))
    if count > MAX_GOALS:
        raise ValidationError(_("A plan holds at most %(count)d goals.") % {"count": MAX_GOALS})


def _goal_row(data: GoalData) -> dict[str, Any]:
    return {
        "description": data.description.strip(),
        "services": [service for service in Service.values if service in data.services],
        "responsible": data.responsible,
        "target_date": data.target_date,
    }


@transaction.atomic
def write_goals(*, case: Case, assessment: Assessment, goals: list[GoalData]) -> list[Goal]:
    """The goals an assessment proposes, saved with it: they become the plan when a head
    approves the assessment, and stay with it as proposed when it is returned."""
    if assessment.case_id != case.pk:
        raise ValidationError(_("The assessment is not this case's."))
    _check_count(len(goals))
    today = timezone.localdate()
    for data in goals:
        _check_goal(data, today)
    return Goal.objects.bulk_create(
        Goal(case=case, assessment=assessment, position=number, **_goal_row(data))
        for number, data in enumerate(goals, start=1)
    )


@transaction.atomic
def approve_plan(*, case: Case, assessment: Assessment) -> int:
    """The approved assessment's goals become the case's plan; returns how many they are."""
    if assessment.case_id != case.pk or assessment.review != Review.APPROVED:
        raise ValidationError(_("Only the goals of an approved assessment become the plan."))
    return Goal.objects.filter(case=case, assessment=assessment).update(approved=True)


def review_goals(
    *, case: Case, reviewer: AbstractBaseUser, task: Task | None, reviews: list[ReviewData]
) -> list[GoalReview]:
    """Record each open goal's status as found at this step, in the step's transaction.

    A fixed number of queries whatever the number of goals: the reviews in one insert, the goals
    whose status changed in one update. The changes go into the audit log as part of the step;
    the notes, which speak of the client, stay in their rows.
    """
    if not reviews:
        return []
    now = timezone.now()
    changes: dict[str, list[str]] = {}
    changed: list[Goal] = []
    for review in reviews:
        goal = review.goal
        if goal.case_id != case.pk or not goal.approved or goal.status not in OPEN_STATUSES:
            raise ValidationError(_("Only the open goals of this case's plan are reviewed."))
        if review.status not in REVIEW_STATUSES:
            raise ValidationError(_("Choose the goal's status."))
        if len(review.note) > REVIEW_NOTE_LENGTH:
            raise ValidationError(
                _("A review note is at most %(length)d characters long.")
                % {"length": REVIEW_NOTE_LENGTH}
            )
        if review.status != goal.status:
            changes[f"goal {goal.position}"] = [goal.status, review.status]
            goal.status = review.status
            goal.updated_at = now
            changed.append(goal)
    created = GoalReview.objects.bulk_create(
        GoalReview(
            goal=review.goal,
            status=review.status,
            note=review.note.strip(),
            reviewed_by=reviewer,
            reviewed_at=now,
            task=task,
        )
        for review in reviews
    )
    if changed:
        Goal.objects.bulk_update(changed, ["status", "updated_at"])
        audit.record(
            Action.CASE_CHANGED,
            case=case,
            obj=case,
            details={"changes": changes, "part": "plan"},
        )
    return created


def _entry_json(entry: ProposedGoal) -> dict[str, Any]:
    row = _goal_row(entry.data)
    return {
        "goal": entry.goal.pk if entry.goal else None,
        "description": row["description"],
        "services": row["services"],
        "responsible": entry.data.responsible.pk,
        "target_date": entry.data.target_date.isoformat(),
        "drop": entry.drop,
        "drop_reason": entry.drop_reason.strip() if entry.drop else "",
    }


def _differs(goal: Goal, entry: dict[str, Any]) -> bool:
    return entry["drop"] or (
        goal.description,
        goal.services,
        goal.responsible_id,
        goal.target_date.isoformat(),
    ) != (entry["description"], entry["services"], entry["responsible"], entry["target_date"])


def _locked_open_case(case: Case) -> Case:
    """The case, locked so that two changes cannot be proposed or applied side by side."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("The plan of a case that is no longer open cannot be changed."))
    return case


def _protected(case: Case, clear: dict[str, Any], changes: dict[str, list[Any]]) -> dict:
    """Event details: `clear` as they are, the `changes` (before, after), which quote the client,
    encrypted with the client's key."""
    details = personal.protect_changes(
        personal_data.subject(case.client_id), changes, changes.keys()
    )
    details.pop("changes", None)
    return {**clear, **details}


def _entry_line(entry: dict[str, Any]) -> str:
    """A proposed goal as the audit log keeps it: one line a reader can follow."""
    if entry["drop"]:
        return f"drop: {entry['drop_reason']}"
    services = ", ".join(entry["services"])
    return (
        f"{entry['description']} · {services} · "
        f"responsible {entry['responsible']} · target {entry['target_date']}"
    )


def _goal_line(goal: Goal) -> str:
    if goal.status == GoalStatus.DROPPED:
        return f"dropped: {goal.drop_reason}"
    return f"{_entry_line(_goal_values(goal) | {'drop': False})} · {goal.status}"


@transaction.atomic
def propose_change(
    *, case: Case, actor: AbstractBaseUser, reason: str, entries: list[ProposedGoal]
) -> PlanChange:
    """The case's counselor asks to change the approved plan; a head decides.

    One pending change at a time: the head decides on the plan the counselor saw.
    """
    case = _locked_open_case(case)
    if not selectors.may_propose_change(actor, case):
        raise PermissionDenied(_("Only the case's counselor may propose a change to its plan."))
    if PlanChange.objects.filter(case=case, review=Review.PENDING).exists():
        raise ValidationError(_("A change to this plan already waits for a head's decision."))
    if not reason.strip():
        raise ValidationError(_("Write the reason for the change."))
    current = {goal.pk: goal for goal in selectors.goals_of(case)}
    today = timezone.localdate()
    rows = []
    seen: set[int] = set()
    for entry in entries:
        if entry.goal is not None:
            goal = current.get(entry.goal.pk)
            if goal is None or goal.status not in OPEN_STATUSES or goal.pk in seen:
                raise ValidationError(_("Only the open goals of this plan can be changed."))
            seen.add(goal.pk)
        if entry.drop:
            if entry.goal is None:
                raise ValidationError(_("Only a goal of the plan can be dropped."))
            if not entry.drop_reason.strip():
                raise ValidationError(_("Write why the goal is dropped."))
        else:
            _check_goal(entry.data, today, kept_date=entry.goal.target_date if entry.goal else None)
        row = _entry_json(entry)
        if entry.goal is None or _differs(current[entry.goal.pk], row):
            rows.append(row)
    if not rows:
        raise ValidationError(_("The proposal changes nothing in the plan."))
    kept = sum(goal.status != GoalStatus.DROPPED for goal in current.values())
    added = sum(row["goal"] is None for row in rows)
    dropped = sum(row["drop"] for row in rows)
    _check_count(kept + added - dropped)
    change = PlanChange.objects.create(
        case=case, proposed_by=actor, reason=reason.strip(), goals=rows
    )
    audit.record(
        Action.PLAN_CHANGE_PROPOSED,
        actor=actor,
        case=case,
        obj=change,
        details=_protected(
            case,
            {"edited": len(rows) - added - dropped, "added": added, "dropped": dropped},
            {
                "reason": [None, change.reason],
                "goals": [None, [_entry_line(row) for row in rows]],
            },
        ),
    )
    return change


@transaction.atomic
def decide_change(
    *, change: PlanChange, reviewer: AbstractBaseUser, approved: bool, comment: str = ""
) -> PlanChange:
    """A head approves a plan change, which then applies whole, or returns it with a note."""
    if not selectors.may_decide_change(reviewer):
        raise PermissionDenied(_("Only a head decides on a change to a case's plan."))
    case = _locked_open_case(change.case)
    change = PlanChange.objects.select_for_update().get(pk=change.pk)
    if change.review != Review.PENDING:
        raise ValidationError(_("This change was already decided."))
    if not approved and not comment.strip():
        raise ValidationError(
            _("Write the reason for returning it so that the counselor can correct it.")
        )
    applied: dict[str, list[Any]] = _apply(case, change) if approved else {}
    change.review = Review.APPROVED if approved else Review.RETURNED
    change.review_comment = comment.strip()
    change.reviewed_by = reviewer
    change.reviewed_at = timezone.now()
    change.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_at"])
    audit.record(
        Action.PLAN_CHANGE_REVIEWED,
        actor=reviewer,
        case=case,
        obj=change,
        details=_protected(
            case, {"decision": change.review}, {"comment": [None, change.review_comment], **applied}
        ),
    )
    return change


def _apply(case: Case, change: PlanChange) -> dict[str, list[Any]]:
    """Apply an approved change to the plan; returns each goal as it was and is, as lines.

    The entries are checked again against the plan as it stands: a goal closed at a session
    since the proposal, or a person no longer on staff, refuses the whole change.
    """
    goals = {goal.pk: goal for goal in selectors.goals_of(case).select_for_update()}
    responsible = {
        user.pk: user
        for user in selectors.responsible_candidates().filter(
            pk__in=[row["responsible"] for row in change.goals]
        )
    }
    today = timezone.localdate()
    position = max((goal.position for goal in goals.values()), default=0)
    now = timezone.now()
    before_after: dict[str, list[Any]] = {}
    updated, created = [], []
    for row in change.goals:
        goal = goals.get(row["goal"]) if row["goal"] is not None else None
        if row["goal"] is not None and (goal is None or goal.status not in OPEN_STATUSES):
            raise ValidationError(
                _("A goal this change is about is no longer open: return the change.")
            )
        before = _goal_line(goal) if goal else None
        if row["drop"]:
            goal.status = GoalStatus.DROPPED
            goal.drop_reason = row["drop_reason"]
        else:
            person = responsible.get(row["responsible"])
            if person is None:
                raise ValidationError(
                    _("The person responsible for a goal must be an active counselor or head.")
                )
            data = GoalData(
                row["description"],
                row["services"],
                person,
                datetime.date.fromisoformat(row["target_date"]),
            )
            _check_goal(data, today, kept_date=goal.target_date if goal else None)
            if goal is None:
                position += 1
                goal = Goal(case=case, position=position, approved=True, plan_change=change)
                created.append(goal)
            for name, value in _goal_row(data).items():
                setattr(goal, name, value)
        goal.updated_at = now
        if goal.pk:
            updated.append(goal)
        before_after[f"goal {goal.position}"] = [before, _goal_line(goal)]
    if updated:
        Goal.objects.bulk_update(
            updated,
            ["description", "services", "responsible", "target_date", "status", "drop_reason",
             "updated_at"],
        )  # fmt: skip
    if created:
        Goal.objects.bulk_create(created)
    _check_count(
        Goal.objects.filter(case=case, approved=True).exclude(status=GoalStatus.DROPPED).count()
    )
    return before_after


def _goal_values(goal: Goal) -> dict[str, Any]:
    return {
        "description": goal.description,
        "services": goal.services,
        "responsible": goal.responsible_id,
        "target_date": goal.target_date.isoformat(),
        "status": goal.status,
        "drop_reason": goal.drop_reason,
    }
