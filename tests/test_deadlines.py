"""Each step a case waits at is due by a deadline in working days, restarted by every new task
of the case; a counseling step is due on the day the next session is scheduled."""

import datetime

from django.utils import timezone

from lk3_flow import services
from lk3_flow.choices import NextStep, Stage
from lk3_flow.models import Case
from tests.factories import session_data
from workdays.models import DEFAULT_ALLOWANCES
from workdays.selectors import add_working_days, end_of_day


def assert_due_in_working_days(case, stage: str) -> None:
    case.refresh_from_db()
    assert case.stage == stage
    assert case.due_at == add_working_days(timezone.now(), DEFAULT_ALLOWANCES[stage])


def test_a_registered_case_is_due_for_assignment_the_next_working_day(office):
    assert_due_in_working_days(office.register(), Stage.ASSIGN_COUNSELOR)


def test_each_step_restarts_the_clock_with_its_own_working_days(office):
    case = office.assign(office.register())
    assert_due_in_working_days(case, Stage.ASSESSMENT)
    case = office.assess(case)
    assert_due_in_working_days(case, Stage.APPROVE_ASSESSMENT)
    case = office.review_assessment(case)
    assert_due_in_working_days(case, Stage.COUNSELING)
    case = office.propose_referral(office.session(case, NextStep.PROPOSE_REFERRAL))
    assert_due_in_working_days(case, Stage.APPROVE_REFERRAL)
    assert_due_in_working_days(office.review_referral(case), Stage.PARTNER_RESPONSE)


def test_another_session_without_a_date_restarts_the_clock(office):
    case = office.to_counseling(office.register())
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - datetime.timedelta(days=30))
    case = office.session(case)
    assert_due_in_working_days(case, Stage.COUNSELING)


def test_counseling_is_due_on_the_day_the_next_session_is_scheduled(office):
    case = office.to_counseling(office.register())
    next_session = timezone.now() + datetime.timedelta(days=23)
    case = office.step(
        case,
        "counseling",
        office.counselor,
        lambda c: services.record_session(
            case=c,
            counselor=office.counselor,
            data={**session_data(), "next_session_at": next_session},
        ),
    )
    assert case.stage == Stage.COUNSELING
    assert case.due_at == end_of_day(next_session)


def test_a_closed_case_is_due_for_nothing(office):
    case = office.to_closed(office.register())
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert case.due_at is None
