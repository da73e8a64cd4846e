"""Unusual input gets a 400, a 404 or a form error: never a 500, and nothing is written.

PostgreSQL refuses NUL in text and \\u0000 in jsonb, so before the hygiene middleware these
requests failed with a 500 there, and on SQLite they wrote the NUL into the audit log.
"""

from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task

from audit.models import Action, AuditEvent
from flows import services as flow_services
from lk3_flow.models import CounselingSession
from tests.factories import PASSWORD, in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(office):
    return office.assign(office.register())


def events() -> list[tuple[str, str]]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", "request_id"))


def test_nul_in_a_verification_token_is_refused(office, case):
    letter = case.letters.order_by("id").first()
    before = events()
    client = in_english(Client())
    for url in [
        f"/verifikasi/{letter.token}%00/",
        f"/verifikasi/%00{letter.token}/",
        f"/verifikasi/{letter.token}/?x=%00",
    ]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert "control characters" in response.content.decode()
    assert client.post(f"/verifikasi/{letter.token}%00/", {"pdf": "x"}).status_code == 400
    assert events() == before


@pytest.mark.parametrize(
    "url",
    [
        "/audit/?client=Siti%00",
        "/audit/?number=%00",
        "/audit/?counselor=%00",
        "/audit/?%00=1",
        "/audit/kasus/{pk}/?action=%00",
        "/audit/kasus/{pk}/?actor=1%00",
        "/audit/kasus/{pk}/csv/?action=%00",
        "/audit/kasus/{pk}/pdf/?date_from=%002026-01-01",
        "/audit/kasus/{pk}/csv/?x=%1B",  # any other control character too
    ],
)
def test_nul_in_auditor_filters_and_exports_is_refused(office, case, url):
    client = Client()
    client.force_login(office.auditor)
    before = events()
    response = client.get(url.format(pk=case.pk))
    assert response.status_code == 400
    assert events() == before
    # Tab, line feed and carriage return are ordinary text.
    assert client.get("/audit/", {"client": "Siti\tAminah\r\n"}).status_code == 200


def test_nul_in_a_urlencoded_form_is_refused(client, office, case):
    client.force_login(office.head)
    before = events()
    response = client.post(
        f"/cases/{case.pk}/tarik/",
        urlencode({"reason": "Klien\x00 menolak", "confirm": "on"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert events() == before
    case.refresh_from_db()
    assert case.withdrawal_reason == ""


def test_a_cookie_with_a_nul_is_ignored(office):
    client = Client()
    client.force_login(office.head)
    session_key = client.cookies["sessionid"].value
    client.cookies["sessionid"] = session_key + "\x00"
    response = client.get("/cases/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_a_request_id_header_is_kept_only_when_it_looks_like_one(office, case):
    client = Client()
    client.force_login(office.auditor)
    client.get(f"/cases/{case.pk}/", headers={"X-Request-ID": "proxy-1a2b.3c:4d"})
    assert AuditEvent.objects.order_by("-pk").first().request_id == "proxy-1a2b.3c:4d"
    for header in ["bad\x00id", "x" * 65, "<script>"]:
        response = client.get(f"/cases/{case.pk}/", headers={"X-Request-ID": header})
        assert response.status_code == 200
        request_id = AuditEvent.objects.order_by("-pk").first().request_id
        assert request_id != header and len(request_id) == 32
        assert response.headers["X-Request-ID"] == request_id


def counseling_task(office):
    case = office.to_counseling(office.register())
    return case, flow_services.open_tasks(case).get()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("scheduled_at", "01/01/0001 10:00"),
        ("held_at", "01/01/0001 10:00"),
        ("scheduled_at", "31/12/9999 10:00"),
        ("next_session_at", "31/12/9999 23:59"),
        ("next_session_at", "01/01/1899 10:00"),
    ],
)
def test_an_implausible_year_on_the_session_form_is_a_form_error(client, office, field, value):
    case, task = counseling_task(office)
    now = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    data = {
        "scheduled_at": now,
        "held_at": now,
        "session_type": "individual",
        "duration_minutes": "60",
        "notes": "Sesi pertama.",
        "next_step": "another_session",
        field: value,
    }
    in_english(client).force_login(office.counselor)
    url = f"/case/{case.process_id}/counseling/{task.pk}/execute/"
    before = events()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2100." in response.content.decode()
    assert CounselingSession.objects.count() == 0
    assert Task.objects.get(pk=task.pk).status == task.status
    assert events() == before


def test_an_implausible_year_in_an_audit_date_filter_is_a_form_error(office, case):
    client = in_english(Client())
    client.force_login(office.auditor)
    for url, data in [
        ("/audit/", {"registered_from": "0001-01-01"}),
        ("/audit/", {"registered_to": "9999-12-31"}),
        (f"/audit/kasus/{case.pk}/", {"date_from": "0001-01-01"}),
    ]:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert "Enter a date between the years 1900 and 2100." in response.content.decode()
    searched = client.post(f"/audit/kasus/{case.pk}/", {"date_to": "9999-12-31"})
    key = searched.url.split("?cari=")[1]
    assert client.get(f"/audit/kasus/{case.pk}/csv/?cari={key}").status_code == 200


def test_an_over_long_user_name_or_password_is_refused_before_authentication(client, office):
    before = events()
    for username, password in [("x" * 10_000, "kata-sandi"), ("petugas", "p" * 100_000)]:
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    assert events() == before
    assert AccessAttempt.objects.count() == 0
    page = client.get("/accounts/login/").content.decode()
    assert 'maxlength="150"' in page and 'maxlength="1024"' in page
    response = client.post("/accounts/login/", {"username": "petugas", "password": PASSWORD})
    assert response.status_code == 302
    assert [action for action, _id in events()][-1] == Action.LOGGED_IN
