"""A session is recorded as it happened: not held in the future, not before the one before it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from flows import services as flow_services
from lk3_flow import services
from lk3_flow.choices import NextStep
from lk3_flow.models import Case, CounselingSession
from tests.factories import session_data
from tests.test_lifecycle_http import session_post
from tests.test_task_conflicts import task_url

pytestmark = pytest.mark.django_db

TYPED = "%d/%m/%Y %H:%M"


@pytest.fixture
def counseling(office) -> Case:
    return office.to_counseling(office.register())


def record(office, case: Case, **times: datetime.datetime | None) -> CounselingSession:
    return services.record_session(
        case=case, counselor=office.counselor, data={**session_data(), **times}
    )


def test_a_session_held_in_the_future_is_refused(office, counseling):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        record(office, counseling, scheduled_at=tomorrow, held_at=tomorrow)
    assert list(refused.value.message_dict) == ["held_at"]
    assert not CounselingSession.objects.exists()


def test_a_session_scheduled_ahead_but_not_held_may_be_recorded(office, counseling):
    next_week = timezone.now() + datetime.timedelta(days=7)
    session = record(office, counseling, scheduled_at=next_week, held_at=None)
    assert session.pk is not None


def test_a_session_before_the_previous_one_is_refused(office, counseling):
    last_week = timezone.now() - datetime.timedelta(days=7)
    record(office, counseling, scheduled_at=last_week, held_at=last_week)
    earlier = last_week - datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        record(office, counseling, scheduled_at=earlier, held_at=earlier)
    assert list(refused.value.message_dict) == ["held_at"]
    with pytest.raises(ValidationError) as refused:
        record(office, counseling, scheduled_at=earlier, held_at=None)
    assert list(refused.value.message_dict) == ["scheduled_at"]
    assert CounselingSession.objects.count() == 1


def test_the_previous_session_counts_by_when_it_was_held(office, counseling):
    """Scheduled for Monday and held on Friday: the next session comes after Friday."""
    monday = timezone.now() - datetime.timedelta(days=10)
    friday = monday + datetime.timedelta(days=4)
    record(office, counseling, scheduled_at=monday, held_at=friday)
    wednesday = monday + datetime.timedelta(days=2)
    with pytest.raises(ValidationError):
        record(office, counseling, scheduled_at=wednesday, held_at=wednesday)


def test_a_session_typed_for_the_same_minute_as_the_previous_one_is_accepted(office, counseling):
    """The previous session was recorded with seconds; the form types minutes."""
    held = (timezone.now() - datetime.timedelta(minutes=1)).replace(second=42)
    record(office, counseling, scheduled_at=held, held_at=held)
    same_minute = held.replace(second=0, microsecond=0)
    assert record(office, counseling, scheduled_at=same_minute, held_at=same_minute).pk


def test_the_page_shows_the_refusal_on_the_field_and_keeps_the_task_open(office, counseling):
    office.session(counseling)
    task = flow_services.open_tasks(counseling).get()
    client = Client()
    client.force_login(office.counselor)
    next_month = (timezone.localtime() + datetime.timedelta(days=30)).strftime(TYPED)

    response = client.post(
        task_url(task, "execute"),
        {**session_post(NextStep.ANOTHER_SESSION), "held_at": next_month},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sesi tidak dapat dicatat sudah berlangsung pada waktu yang belum tiba." in page
    assert CounselingSession.objects.count() == 1
    assert flow_services.open_tasks(counseling).get() == task


def test_the_page_names_the_previous_session_when_refusing_an_earlier_one(office, counseling):
    office.session(counseling)
    previous = CounselingSession.objects.get()
    task = flow_services.open_tasks(counseling).get()
    client = Client()
    client.force_login(office.counselor)
    last_year = (timezone.localtime() - datetime.timedelta(days=365)).strftime(TYPED)

    response = client.post(
        task_url(task, "execute"),
        {**session_post(NextStep.ANOTHER_SESSION), "scheduled_at": last_year, "held_at": ""},
    )

    page = response.content.decode()
    assert "tidak boleh lebih awal dari sesi sebelumnya" in page
    assert timezone.localtime(previous.held_at).strftime("%H:%M") in page
    assert CounselingSession.objects.count() == 1


def test_the_session_page_offers_calendars_for_its_times(office, counseling):
    task = flow_services.open_tasks(counseling).get()
    client = Client()
    client.force_login(office.counselor)
    page = client.get(task_url(task, "execute")).content.decode()

    assert page.count('data-lk3-picker="datetime"') == 3  # scheduled, held, next session
    assert "vf-field-date" not in page  # viewflow's own picker: English, Sunday first
    assert "HH/BB/TTTT JJ:MM" in page
    assert "vendor/flatpickr/flatpickr.min.js" in page
    assert "vendor/flatpickr/l10n/id.js" in page


def test_the_registration_page_offers_calendars_for_its_dates(office):
    client = Client()
    client.force_login(office.intake)
    page = client.get("/case/intake/").content.decode()
    # The client's birth date, each household member's and the consent date.
    assert page.count('data-lk3-picker="date"') >= 3
    assert "vf-field-date" not in page
