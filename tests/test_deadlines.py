"""Each step a case waits at is due by a deadline, restarted by every new task of the case."""

import datetime

import pytest
from django.utils import timezone

from lk3_flow.choices import Priority, Stage
from lk3_flow.deadlines import STEP_DAYS, due_at


def days_until_due(case) -> float:
    case.refresh_from_db()
    return (case.due_at - timezone.now()) / datetime.timedelta(days=1)


def test_a_registered_case_is_due_for_assignment_the_next_day(office):
    assert days_until_due(office.register()) == pytest.approx(
        STEP_DAYS[Stage.ASSIGN_COUNSELOR], abs=0.01
    )


def test_each_step_restarts_the_clock_with_its_own_days(office):
    case = office.assign(office.register())
    assert days_until_due(case) == pytest.approx(STEP_DAYS[Stage.ASSESSMENT], abs=0.01)
    case = office.review_assessment(office.assess(case))
    assert days_until_due(case) == pytest.approx(STEP_DAYS[Stage.COUNSELING], abs=0.01)


def test_another_session_restarts_the_clock(office):
    case = office.to_counseling(office.register())
    case.refresh_from_db()
    first_due = case.due_at
    case = office.session(case)
    case.refresh_from_db()
    assert case.stage == Stage.COUNSELING
    assert case.due_at > first_due


def test_urgent_and_high_priority_cases_are_due_sooner():
    start = timezone.now()
    normal = due_at(Stage.ASSESSMENT, Priority.NORMAL, start)
    assert due_at(Stage.ASSESSMENT, Priority.HIGH, start) - start == datetime.timedelta(days=4)
    assert due_at(Stage.ASSESSMENT, Priority.URGENT, start) - start == datetime.timedelta(days=1)
    assert normal - start == datetime.timedelta(days=7)


def test_a_closed_case_is_due_for_nothing(office):
    case = office.to_closed(office.register())
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert case.due_at is None
