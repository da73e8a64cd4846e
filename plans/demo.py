"""The demo office's case plans, written through the same services as the pages.

The demo cases (`lk3_flow.demo`) write their goals with their assessments, have them approved
with them and reviewed at each session; `seed` then leaves one change to a plan waiting for a
head. Idempotent as the rest of the demo: a plan change is proposed only when none exists.
"""

import datetime
from typing import Any

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from lk3_flow.choices import CaseStatus, NextStep, Stage
from lk3_flow.models import Assessment, Case

from . import selectors, services
from .models import GoalStatus, PlanChange

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# A goal a counselor adds once the family's situation is better known.
ADDED_GOAL = "Klien mengikuti kelompok dukungan sebaya di kecamatannya setiap bulan."


def _goal_texts(goals_text: str) -> list[str]:
    """The demo assessment's goals, one sentence per goal: "A dan B." gives two goals."""
    first, _sep, second = goals_text.rstrip(".").partition(" dan ")
    texts = [first]
    if second:
        texts.append(second[0].upper() + second[1:])
    return [f"{text.strip().rstrip(',')}." for text in texts]


def goals_for(demo: Any, counselor: Any) -> list[services.GoalData]:
    """Goals for a demo case: its assessment's goals, the first served by its first service and
    the others by the rest, due in two and three months."""
    today = timezone.localdate()
    offered = list(demo.services)
    goals = []
    for number, text in enumerate(_goal_texts(demo.goals)):
        goal_services = offered[:1] if number == 0 else (offered[1:] or offered[:1])
        target = today + datetime.timedelta(days=60 + 30 * number)
        goals.append(services.GoalData(text, goal_services, counselor, target))
    return goals


def write(case: Case, assessment: Assessment, demo: Any, counselor: Any) -> None:
    services.write_goals(case=case, assessment=assessment, goals=goals_for(demo, counselor))


def approve(case: Case, assessment: Assessment) -> None:
    services.approve_plan(case=case, assessment=assessment)


def review(case: Case, counselor: Any, *, next_step: str, last: bool) -> None:
    """A demo session's review: goals under way, the first reached at the last session, all of
    them when the counselor then proposes closure."""
    goals = list(selectors.open_goals_of(case))
    reviews = []
    for number, goal in enumerate(goals):
        status = GoalStatus.IN_PROGRESS
        if next_step == NextStep.PROPOSE_CLOSURE or (last and number == 0):
            status = GoalStatus.ACHIEVED
        note = (
            "Tercapai; dipantau pada kunjungan tindak lanjut."
            if status == "achieved"
            else ("Ada kemajuan; dilanjutkan pada sesi berikutnya.")
        )
        reviews.append(services.ReviewData(goal=goal, status=status, note=note))
    # The session's own task, which the step is completing.
    task = (
        Task.objects.filter(process_id=case.process_id, status__in=OPEN_STATUSES)
        .order_by("-id")
        .first()
    )
    services.review_goals(case=case, reviewer=counselor, task=task, reviews=reviews)


def seed() -> None:
    """One change to a plan waiting for a head: a goal added to a case in counseling."""
    if PlanChange.objects.exists():
        return
    case = (
        Case.objects.filter(status=CaseStatus.OPEN, stage=Stage.COUNSELING, goals__approved=True)
        .select_related("counselor")
        .order_by("pk")
        .first()
    )
    if case is None:
        return
    services.propose_change(
        case=case,
        actor=case.counselor,
        reason="Klien merasa terisolasi; dukungan sebaya diperlukan di samping konseling.",
        entries=[
            services.ProposedGoal(
                data=services.GoalData(
                    ADDED_GOAL,
                    ["outreach"],
                    case.counselor,
                    timezone.localdate() + datetime.timedelta(days=45),
                )
            )
        ],
    )
