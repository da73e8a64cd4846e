"""Who may see and do what: roles, per-case access, masking, reassignment, login hardening."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from flows import services as flow_services
from lk3_flow import services
from lk3_flow.choices import NextStep
from lk3_flow.models import Case, CounselorChange
from permissions.roles import ROLES
from permissions.selectors import CaseAccess, case_access, cases_visible_to, mask_name
from permissions.services import sync_roles
from tests.factories import ASSESSMENT, PASSWORD

pytestmark = pytest.mark.django_db


def page(client: Client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_roles_hold_exactly_their_declared_permissions():
    sync_roles()
    sync_roles()
    for role in ROLES:
        group = Group.objects.get(name=role.group_name)
        held = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(role.permissions)


def test_counselor_gets_the_case_file_when_assigned(office):
    case = office.register()
    assert case_access(office.counselor, case) == CaseAccess.NONE
    case = office.assign(case)
    assert case_access(office.counselor, case) == CaseAccess.FULL
    assert case_access(office.other_counselor, case) == CaseAccess.NONE
    assert list(cases_visible_to(office.counselor)) == [case]
    assert list(cases_visible_to(office.other_counselor)) == []


def test_heads_and_auditors_see_every_case(office):
    cases = {office.register(full_name=f"Klien {n}") for n in range(3)}
    assert set(cases_visible_to(office.head)) == cases
    assert set(cases_visible_to(office.auditor)) == cases


def test_intake_officer_sees_only_registration_data_after_assignment(client, office):
    case = office.register()
    assert case_access(office.intake, case) == CaseAccess.REGISTRATION
    case = office.assess(office.assign(case))
    url = reverse("cases:detail", args=[case.pk])
    html = page(client, office.intake, url)
    assert case.client.full_name in html and case.complaint in html
    assert ASSESSMENT["presenting_problem"] not in html
    assert ASSESSMENT["presenting_problem"] in page(client, office.counselor, url)
    other_officer_case = Case.objects.create(
        number="LK3-LBK/2026/9999",
        client=case.client,
        registered_by=office.head,
        channel="walk_in",
        complaint="x",
    )
    assert case_access(office.intake, other_officer_case) == CaseAccess.NONE


def test_reassignment_moves_access_and_open_tasks(client, office):
    case = office.assign(office.register())
    with pytest.raises(PermissionDenied):
        flow_services.reassign_case(
            case, actor=office.counselor, counselor=office.other_counselor, reason="x"
        )
    with pytest.raises(ValidationError):
        flow_services.reassign_case(
            case, actor=office.head, counselor=office.other_counselor, reason=" "
        )
    with pytest.raises(ValidationError):
        flow_services.reassign_case(case, actor=office.head, counselor=office.auditor, reason="x")
    assert case_access(office.counselor, case) == CaseAccess.FULL

    client.force_login(office.head)
    response = client.post(
        reverse("cases:reassign", args=[case.pk]),
        {"counselor": office.other_counselor.pk, "reason": "Konselor cuti.", "confirm": "on"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.counselor == office.other_counselor
    assert case_access(office.counselor, case) == CaseAccess.NONE
    assert case_access(office.other_counselor, case) == CaseAccess.FULL
    change = CounselorChange.objects.get(case=case)
    assert (change.previous, change.new, change.changed_by, change.reason) == (
        office.counselor,
        office.other_counselor,
        office.head,
        "Konselor cuti.",
    )
    task = flow_services.open_tasks(case).get()
    assert task.owner == office.other_counselor
    flow_services.complete_task(
        case,
        actor=office.other_counselor,
        task_name="assessment",
        step=lambda c: services.record_assessment(
            case=c, author=office.other_counselor, data=ASSESSMENT
        ),
    )
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    client.force_login(office.counselor)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_sensitive_client_names_are_masked_in_lists_for_the_unassigned(client, office):
    case = office.assign(office.register(full_name="Rahasia Sekali", sensitive=True))
    masked = mask_name("Rahasia Sekali")
    assert masked == "R****** S*****"
    head_list = page(client, office.head, reverse("cases:index"))
    assert masked in head_list and "Rahasia Sekali" not in head_list
    counselor_list = page(client, office.counselor, reverse("cases:index"))
    assert "Rahasia Sekali" in counselor_list
    workload = page(client, office.head, reverse("cases:workload"))
    assert masked in workload and "Rahasia Sekali" not in workload
    # The file itself shows the name to those who may open it.
    assert "Rahasia Sekali" in page(client, office.head, reverse("cases:detail", args=[case.pk]))


def test_process_lists_show_only_visible_cases(client, office):
    mine = office.assess(office.assign(office.register(full_name="Klien Saya")))
    other = office.register(full_name="Klien Lain")
    urls = ["/case/inbox/", "/case/queue/", "/case/archive/", "/case/tasks/", "/case/flows/"]
    for url in urls:
        html = page(client, office.counselor, url)
        assert other.number not in html, url
    assert mine.number in page(client, office.counselor, "/case/archive/")
    assert other.number in page(client, office.head, "/case/queue/")


def _grow(office, extra: int) -> None:
    for n in range(extra):
        case = office.assign(office.register(full_name=f"Klien Tambahan {n}", sensitive=n % 2 == 0))
        office.session(office.review_assessment(office.assess(case)), NextStep.ANOTHER_SESSION)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("counselor", "/cases/"),
        ("head", "/cases/"),
        ("counselor", "/case/inbox/"),
        ("head", "/case/queue/"),
        ("counselor", "/case/archive/"),
        ("head", "/case/tasks/"),
        ("head", "/case/flows/"),
        ("head", "/cases/beban-kerja/"),
    ],
)
def test_list_query_count_does_not_grow_with_cases(client, office, role, url):
    user = getattr(office, role)
    client.force_login(user)
    _grow(office, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grow(office, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_lockout_after_repeated_failed_logins(client, office):
    login_url = reverse("login")
    for _ in range(5):
        response = client.post(login_url, {"username": "konselor", "password": "salah"})
        assert response.status_code in (200, 429)
    locked = client.post(login_url, {"username": "konselor", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    fresh = Client()
    ok = fresh.post(login_url, {"username": "pimpinan", "password": PASSWORD})
    assert ok.status_code == 302


def test_password_validators_refuse_weak_passwords(office):
    with pytest.raises(ValidationError):
        validate_password("12345678", office.counselor)
    with pytest.raises(ValidationError):
        validate_password("konselor", office.counselor)
    validate_password("Rangkasbitung-Lebak-2026!", office.counselor)


def test_logout_everywhere_ends_every_session(office):
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        assert (
            device.post(
                reverse("login"), {"username": "konselor", "password": PASSWORD}
            ).status_code
            == 302
        )
    assert laptop.get(reverse("cases:index")).status_code == 200
    assert phone.get(reverse("cases:index")).status_code == 200
    assert laptop.get(reverse("logout_everywhere")).status_code == 200
    assert laptop.post(reverse("logout_everywhere")).status_code == 302
    for device in (laptop, phone):
        response = device.get(reverse("cases:index"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_sessions_expire_after_idle_time(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60


def test_workload_shows_open_tasks_per_counselor_overdue_first(client, office):
    fresh = office.assign(office.register(full_name="Klien Baru"))
    late = office.assign(office.register(full_name="Klien Terlambat"))
    # The case's due time says what is late, not how long ago its task was made.
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    html = page(client, office.head, reverse("cases:workload"))
    assert html.index(late.number) < html.index(fresh.number)
    client.force_login(office.counselor)
    assert client.get(reverse("cases:workload")).status_code == 403
