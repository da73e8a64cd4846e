"""Due dates count the office's working days: Monday to Friday, not a national holiday or cuti
bersama, as the administrator's calendar corrects it; each step has its allowance."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flows.selectors import counselor_tasks_overdue_first, workload_by_counselor
from lk3_flow.choices import Priority, Stage
from lk3_flow.deadlines import due_at
from lk3_flow.models import Case
from tests.factories import make_user
from workdays import selectors
from workdays.models import CalendarException, StepAllowance
from workdays.selectors import add_working_days, national_days_off

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=JAKARTA)


def end_of(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 23, 59, 59, tzinfo=JAKARTA)


def test_nyepi_idul_fitri_2027_and_its_cuti_bersama_are_days_off():
    days_off = national_days_off(2027)
    # Nyepi on Monday 8 March, cuti bersama on the 9th, 12th and 15th around Idul Fitri (10, 11).
    assert {datetime.date(2027, 3, day) for day in (8, 9, 10, 11, 12, 15)} <= days_off
    assert datetime.date(2027, 3, 16) not in days_off


def test_an_assignment_from_friday_5_march_2027_is_due_after_idul_fitri():
    assert due_at(Stage.ASSIGN_COUNSELOR, Priority.NORMAL, at(2027, 3, 5)) == end_of(2027, 3, 16)


def test_on_a_frozen_clock_a_case_waits_past_idul_fitri_and_is_reported_after_it(office):
    """The whole path, with the clock stopped on Friday 5 March 2027 and moved on: registration,
    assignment, and the timer that fires only once the due day, after the holidays, is over."""
    from notifications.models import Kind, Notification
    from notifications.services import fire_due_timers

    with time_machine.travel(at(2027, 3, 5), tick=False):
        case = office.register()
        assert Case.objects.get(pk=case.pk).due_at == end_of(2027, 3, 16)
    with time_machine.travel(at(2027, 3, 16, 22), tick=False):
        assert fire_due_timers() == 0
    with time_machine.travel(at(2027, 3, 17, 8), tick=False):
        assert fire_due_timers() == 1
        assert Notification.objects.filter(kind=Kind.OVERDUE, case=case).exists()
        case = office.assign(case)
        assert Case.objects.get(pk=case.pk).due_at == end_of(2027, 3, 24)


def test_an_assessment_takes_five_working_days():
    # 16 to 19 March, then Monday 22 March.
    assert due_at(Stage.ASSESSMENT, Priority.NORMAL, at(2027, 3, 5)) == end_of(2027, 3, 22)


def test_a_partner_response_takes_ten_working_days():
    # 2 to 5 March, 16 to 19 March, 22 and 23 March.
    assert due_at(Stage.PARTNER_RESPONSE, Priority.NORMAL, at(2027, 3, 1)) == end_of(2027, 3, 23)


def test_weekends_are_skipped():
    assert add_working_days(at(2027, 7, 16), 1) == end_of(2027, 7, 19)
    assert add_working_days(at(2027, 7, 17), 1) == end_of(2027, 7, 19)


def test_a_step_is_due_at_the_end_of_the_day_in_jakarta():
    late_evening = at(2027, 7, 20, hour=23)
    due = add_working_days(late_evening, 1)
    assert due == end_of(2027, 7, 21)
    assert due.astimezone(datetime.UTC) == datetime.datetime(
        2027, 7, 21, 16, 59, 59, tzinfo=datetime.UTC
    )
    # 18:00 UTC on the 20th is already the 21st in Jakarta.
    utc_evening = datetime.datetime(2027, 7, 20, 18, tzinfo=datetime.UTC)
    assert add_working_days(utc_evening, 1) == end_of(2027, 7, 22)


def test_the_administrators_day_off_and_working_day_move_the_due_date():
    assert add_working_days(at(2027, 7, 16), 1) == end_of(2027, 7, 19)
    CalendarException.objects.create(
        date=datetime.date(2027, 7, 19), kind=CalendarException.Kind.DAY_OFF, description="Cuti"
    )
    assert add_working_days(at(2027, 7, 16), 1) == end_of(2027, 7, 20)
    CalendarException.objects.create(
        date=datetime.date(2027, 7, 17), kind=CalendarException.Kind.WORKING_DAY
    )
    assert add_working_days(at(2027, 7, 16), 1) == end_of(2027, 7, 17)


def test_the_office_may_work_on_a_national_holiday():
    CalendarException.objects.create(
        date=datetime.date(2027, 3, 9), kind=CalendarException.Kind.WORKING_DAY
    )
    assert due_at(Stage.ASSIGN_COUNSELOR, Priority.NORMAL, at(2027, 3, 5)) == end_of(2027, 3, 9)


def test_a_deleted_day_off_counts_again():
    day_off = CalendarException.objects.create(
        date=datetime.date(2027, 7, 19), kind=CalendarException.Kind.DAY_OFF
    )
    assert add_working_days(at(2027, 7, 16), 1) == end_of(2027, 7, 20)
    day_off.delete()
    assert add_working_days(at(2027, 7, 16), 1) == end_of(2027, 7, 19)


def test_urgent_cases_get_one_working_day_and_high_ones_half_rounded_up():
    monday = at(2027, 7, 19)
    assert due_at(Stage.ASSESSMENT, Priority.NORMAL, monday) == end_of(2027, 7, 26)
    assert due_at(Stage.ASSESSMENT, Priority.LOW, monday) == end_of(2027, 7, 26)
    assert due_at(Stage.ASSESSMENT, Priority.HIGH, monday) == end_of(2027, 7, 22)
    assert due_at(Stage.ASSESSMENT, Priority.URGENT, monday) == end_of(2027, 7, 20)


def test_the_administrators_allowance_replaces_the_default():
    StepAllowance.objects.create(stage=Stage.ASSESSMENT, working_days=8)
    assert due_at(Stage.ASSESSMENT, Priority.NORMAL, at(2027, 7, 19)) == end_of(2027, 7, 29)


def test_counseling_is_due_on_the_next_sessions_day_when_it_is_ahead():
    start = at(2027, 7, 19)
    next_session = at(2027, 8, 3, hour=9)
    assert due_at(Stage.COUNSELING, Priority.NORMAL, start, next_session) == end_of(2027, 8, 3)
    assert due_at(Stage.COUNSELING, Priority.URGENT, start, next_session) == end_of(2027, 8, 3)
    # Without a session ahead: the default ten working days.
    assert due_at(Stage.COUNSELING, Priority.NORMAL, start, at(2027, 7, 1)) == end_of(2027, 8, 2)
    assert due_at(Stage.COUNSELING, Priority.NORMAL, start) == end_of(2027, 8, 2)


def test_stages_nobody_waits_on_are_due_for_nothing():
    for stage in (Stage.INTAKE, Stage.CLOSED, Stage.WITHDRAWN):
        assert due_at(stage, Priority.NORMAL, at(2027, 7, 19)) is None


def test_a_due_date_costs_no_query_once_the_calendar_is_read(django_assert_num_queries):
    with django_assert_num_queries(2):
        due_at(Stage.ASSESSMENT, Priority.NORMAL, at(2027, 3, 5))
    with django_assert_num_queries(0):
        due_at(Stage.PARTNER_RESPONSE, Priority.HIGH, at(2028, 12, 29))
        due_at(Stage.COUNSELING, Priority.NORMAL, at(2027, 3, 5), at(2027, 4, 1))


def test_the_calendar_is_read_again_once_its_minute_is_over(monkeypatch, django_assert_num_queries):
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    add_working_days(at(2027, 7, 16), 1)
    clock[0] += selectors.CACHE_SECONDS - 1
    with django_assert_num_queries(0):
        add_working_days(at(2027, 7, 16), 1)
    clock[0] += 1
    with django_assert_num_queries(2):
        add_working_days(at(2027, 7, 16), 1)


def test_the_workload_counts_overdue_tasks_by_the_cases_due_date(office):
    late = office.assign(office.register(full_name="Klien Terlambat"))
    old_but_not_due = office.assign(office.register(full_name="Klien Lama"))
    fresh = office.assign(office.register(full_name="Klien Baru"))
    now = timezone.now()
    Case.objects.filter(pk=late.pk).update(due_at=now - datetime.timedelta(hours=1))
    # A task made long ago is not late while its case's step is not due.
    old_but_not_due.process.task_set.filter(status="ASSIGNED").update(
        created=now - datetime.timedelta(days=60)
    )
    row = next(row for row in workload_by_counselor() if row["counselor"] == office.counselor)
    assert (row["open"], row["overdue"]) == (3, 1)
    tasks = list(counselor_tasks_overdue_first())
    assert tasks[0].process.case == late and tasks[0].is_overdue
    assert {task.process.case for task in tasks[1:]} == {old_but_not_due, fresh}
    assert not any(task.is_overdue for task in tasks[1:])


ADMIN_PAGES = [
    "admin:workdays_calendarexception_changelist",
    "admin:workdays_calendarexception_add",
    "admin:workdays_stepallowance_changelist",
    "admin:workdays_stepallowance_add",
]


@pytest.fixture
def administrator(office):
    user = make_user("pengelola", "administrator", "Pengelola Sistem")
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_the_administrator_edits_the_calendar_and_the_allowances(administrator, name):
    client = Client()
    client.force_login(administrator)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_a_counselor_may_not_open_them_even_as_staff(office, name):
    client = Client()
    client.force_login(office.counselor)
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("admin:login") in response.url
    office.counselor.is_staff = True
    office.counselor.save()
    assert client.get(reverse(name)).status_code == 403


def test_a_saved_allowance_counts_at_once_and_zero_days_is_refused(administrator):
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:workdays_stepallowance_add")
    response = client.post(url, {"stage": Stage.ASSESSMENT, "working_days": "0"})
    assert response.status_code == 200 and not StepAllowance.objects.exists()
    assert response.context["adminform"].form.errors["working_days"]
    add_working_days(at(2027, 7, 19), 1)  # the calendar is now cached
    response = client.post(url, {"stage": Stage.ASSESSMENT, "working_days": "8"})
    assert response.status_code == 302
    assert due_at(Stage.ASSESSMENT, Priority.NORMAL, at(2027, 7, 19)) == end_of(2027, 7, 29)


def test_a_day_off_is_added_in_the_admin(administrator):
    client = Client()
    client.force_login(administrator)
    response = client.post(
        reverse("admin:workdays_calendarexception_add"),
        {"date": "19/07/2027", "kind": "day_off", "description": "Cuti bersama"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert add_working_days(at(2027, 7, 16), 1) == end_of(2027, 7, 20)
