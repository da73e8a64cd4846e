"""The case process over HTTP, each step by the role that owns it, as a person would use it."""

import pytest
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import STATUS

from flows import services as flow_services
from lk3_flow.choices import CaseStatus, NextStep, ReferralStatus, Stage
from lk3_flow.models import Case, Client
from regions.models import District, Village
from tests.factories import (
    ASSESSMENT,
    CLOSURE,
    MUARA_CIUJUNG_TIMUR,
    RANGKASBITUNG,
    goal_reviews_post,
    goals_post,
)

START_URL = "/case/intake/"
MEMBERS_MANAGEMENT = {
    "members-TOTAL_FORMS": "4",
    "members-INITIAL_FORMS": "0",
    "members-MIN_NUM_FORMS": "0",
    "members-MAX_NUM_FORMS": "1000",
}


def intake_post(**overrides: str) -> dict[str, str]:
    data = {
        **MEMBERS_MANAGEMENT,
        "client-kind": "family",
        "client-full_name": "Keluarga Bapak Ujang",
        "client-nik": "3602011203850001",
        "client-sex": "male",
        "client-birth_date": "12/03/1985",
        "client-address": "Kp. Pasir Tariti RT 02/RW 05",
        "client-kecamatan": str(District.objects.get(code=RANGKASBITUNG).pk),
        "client-desa": str(Village.objects.get(code=MUARA_CIUJUNG_TIMUR).pk),
        "client-phone": "0812-3456-7890",
        "members-0-full_name": "Euis Kurniasih",
        "members-0-relationship": "wife",
        "members-0-sex": "female",
        "members-0-birth_date": "01/07/1988",
        "case-problem_categories": ["marital_conflict", "parenting"],
        "case-services": ["counseling", "consultation"],
        "case-channel": "walk_in",
        "case-priority": "normal",
        "case-complaint": "Pertengkaran berulang yang berdampak pada anak.",
        "case-consent_given": "on",
        "case-consent_date": "",
    }
    data.update(overrides)
    return data


def login(client, user) -> None:
    client.force_login(user)


def open_task(case: Case):
    return flow_services.open_tasks(case).get()


def task_url(task, action: str = "execute") -> str:
    return reverse(f"case:{task.flow_task.name}:{action}", args=[task.process_id, task.pk])


def execute(client, user, case: Case, data: dict) -> Case:
    """Log in as `user`, take the case's open task (from the queue if it is there) and submit it."""
    login(client, user)
    task = open_task(case)
    if task.owner_id is None:
        assert client.post(task_url(task, "assign")).status_code == 302
    page = client.get(task_url(task))
    assert page.status_code == 200
    assert case.number in page.content.decode()
    response = client.post(task_url(task), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.get(pk=case.pk)


def register_over_http(client, office) -> Case:
    login(client, office.intake)
    start = START_URL
    assert client.get(start).status_code == 200
    response = client.post(start, intake_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.get()


def session_post(next_step: str) -> dict[str, str]:
    now = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    return {
        "scheduled_at": now,
        "held_at": now,
        "session_type": "couple",
        "duration_minutes": "60",
        "notes": "Sesi pasangan pertama.",
        "progress": "Mulai saling mendengar.",
        "next_step": next_step,
    }


def assessment_post(responsible) -> dict:
    """The assessment with one goal of its plan, the responsible person named: served by
    counseling and a referral, the steps the journeys below take."""
    return {**ASSESSMENT, **goals_post(responsible, services=("counseling", "referral"))}


@pytest.mark.django_db
def test_full_journey_over_http(client, office):
    case = register_over_http(client, office)
    assert case.client.members.get().full_name == "Euis Kurniasih"
    assert case.registered_by == office.intake
    assert case.problem_categories == ["marital_conflict", "parenting"]

    case = execute(client, office.head, case, {"counselor": office.counselor.pk})
    assert case.counselor == office.counselor

    case = execute(client, office.counselor, case, assessment_post(office.counselor))
    case = execute(
        client, office.head, case, {"decision": "return", "comment": "Tambah data anak."}
    )
    assert case.stage == Stage.ASSESSMENT
    login(client, office.counselor)
    page = client.get(task_url(open_task(case))).content.decode()
    assert "Tambah data anak." in page
    assert ASSESSMENT["presenting_problem"] in page  # the returned assessment is prefilled
    case = execute(client, office.counselor, case, assessment_post(office.counselor))
    case = execute(client, office.head, case, {"decision": "approve", "comment": ""})
    assert case.stage == Stage.COUNSELING

    case = execute(
        client,
        office.counselor,
        case,
        session_post(NextStep.ANOTHER_SESSION) | goal_reviews_post(case),
    )
    case = execute(
        client,
        office.counselor,
        case,
        session_post(NextStep.PROPOSE_REFERRAL) | goal_reviews_post(case),
    )
    case = execute(
        client,
        office.counselor,
        case,
        {
            "partner": office.partner.pk,
            "reason": "Butuh pendampingan hukum.",
            "services_requested": ["accompaniment"],
        },
    )
    case = execute(client, office.head, case, {"decision": "approve", "comment": ""})
    case = execute(
        client, office.counselor, case, {"response": "accepted", "feedback": "Diterima."}
    )
    assert case.referrals.get().status == ReferralStatus.ACCEPTED
    case = execute(
        client,
        office.counselor,
        case,
        session_post(NextStep.PROPOSE_CLOSURE) | goal_reviews_post(case),
    )
    case = execute(client, office.counselor, case, CLOSURE)
    case = execute(client, office.head, case, {"decision": "return", "comment": "Satu sesi lagi."})
    assert case.stage == Stage.COUNSELING
    case = execute(
        client,
        office.counselor,
        case,
        session_post(NextStep.PROPOSE_CLOSURE) | goal_reviews_post(case),
    )
    case = execute(client, office.counselor, case, CLOSURE)
    case = execute(client, office.head, case, {"decision": "approve", "comment": ""})
    assert case.status == CaseStatus.CLOSED
    assert case.sessions.count() == 4

    login(client, office.head)
    detail = client.get(reverse("cases:detail", args=[case.pk]))
    assert detail.status_code == 200
    assert "Butuh pendampingan hukum." in detail.content.decode()

    reopen = client.post(
        reverse("cases:reopen", args=[case.pk]), {"reason": "Masalah muncul lagi.", "confirm": "on"}
    )
    assert reopen.status_code == 302
    new_case = Case.objects.get(reopened_from=case)
    assert new_case.stage == Stage.ASSIGN_COUNSELOR


@pytest.mark.django_db
def test_withdrawal_over_http_needs_confirmation(client, office):
    case = office.assign(office.register())
    login(client, office.head)
    url = reverse("cases:withdraw", args=[case.pk])
    assert client.get(url).status_code == 200
    unconfirmed = client.post(url, {"reason": "Klien menolak layanan."})
    assert unconfirmed.status_code == 200
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN
    assert (
        client.post(url, {"reason": "Klien menolak layanan.", "confirm": "on"}).status_code == 302
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN


@pytest.mark.django_db
def test_counselor_cannot_withdraw(client, office):
    case = office.assign(office.register())
    login(client, office.counselor)
    response = client.post(
        reverse("cases:withdraw", args=[case.pk]), {"reason": "x", "confirm": "on"}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


@pytest.mark.django_db
def test_wrong_role_gets_403_on_start_and_tasks(client, office):
    login(client, office.counselor)
    assert client.get(START_URL).status_code == 403
    assert client.post(START_URL, intake_post()).status_code == 403
    assert Case.objects.count() == 0

    # A case the counselor has no reason to see is answered as if it did not exist.
    case = office.register()
    task = open_task(case)
    assert client.post(task_url(task, "assign")).status_code == 404
    assert client.post(task_url(task), {"counselor": office.counselor.pk}).status_code == 404

    case = office.assign(case)
    login(client, office.other_counselor)
    task = open_task(case)
    assert client.get(task_url(task)).status_code == 404
    assert client.post(task_url(task), assessment_post(office.counselor)).status_code == 404

    # A head sees the case, but the counselor's task is not theirs to do.
    login(client, office.head)
    assert client.get(task_url(task)).status_code == 403
    assert client.post(task_url(task), assessment_post(office.counselor)).status_code == 403
    assert Case.objects.get(pk=case.pk).assessments.count() == 0


@pytest.mark.django_db
def test_completed_task_cannot_be_completed_twice(client, office):
    case = office.assign(office.register())
    task = open_task(case)
    login(client, office.counselor)
    assert client.post(task_url(task), assessment_post(office.counselor)).status_code == 302
    again = client.post(task_url(task), assessment_post(office.counselor))
    assert again.status_code == 409  # a conflict, told as such (tests/test_task_conflicts.py)
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    assert Case.objects.get(pk=case.pk).assessments.count() == 1


@pytest.mark.django_db
def test_invalid_input_is_explained_and_changes_nothing(client, office):
    login(client, office.intake)
    start = START_URL
    response = client.post(
        start, intake_post(**{"client-nik": "3602011203850000", "case-consent_given": ""})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nomor urut pada NIK tidak boleh 0000." in page
    assert "Layanan hanya dapat diberikan dengan persetujuan klien." in page
    assert Case.objects.count() == 0 and Client.objects.count() == 0

    response = client.post(start, intake_post(**{"client-sex": "female"}))
    assert "Jenis kelamin tidak sesuai dengan NIK." in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_client_warning_at_intake(client, office):
    register_over_http(client, office)
    start = START_URL
    response = client.post(start, intake_post())
    assert response.status_code == 200
    assert "Klien serupa sudah terdaftar" in response.content.decode()
    assert Case.objects.count() == 1
    # The same NIK: the person is the client on record, and "a new client" is not offered.
    refused = client.post(start, intake_post(**{"case-same_client": "new"}))
    assert "same_client" in refused.context["same_client_form"].errors
    assert Case.objects.count() == 1
    existing = Client.objects.get()
    attached = client.post(start, intake_post(**{"case-same_client": str(existing.pk)}))
    assert attached.status_code == 302
    assert Client.objects.count() == 1
    assert existing.cases.count() == 2


@pytest.mark.django_db
def test_pages_need_login(client, office):
    case = office.register()
    urls = [
        reverse("cases:index"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:withdraw", args=[case.pk]),
        reverse("cases:reopen", args=[case.pk]),
        "/case/inbox/",
        "/case/intake/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_case_detail_shows_who_must_act(client, office):
    case = office.assign(office.register())
    login(client, office.head)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Asesmen dan rencana intervensi" in page
    assert office.counselor.first_name in page


@pytest.mark.django_db
def test_counselor_sees_only_own_cases(client, office):
    mine = office.assign(office.register(full_name="Klien Saya"))
    other = office.register(full_name="Klien Lain")
    login(client, office.counselor)
    listing = client.get(reverse("cases:index")).content.decode()
    assert mine.number in listing and other.number not in listing
    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404
    login(client, office.other_counselor)
    assert client.get(reverse("cases:detail", args=[mine.pk])).status_code == 404


@pytest.mark.django_db
def test_referral_declined_then_second_referral_over_http(client, office):
    second = office.partner.__class__.objects.create(
        name="UPTD PPA Kabupaten Lebak", category="social_welfare"
    )
    case = office.to_counseling(office.register())
    for partner, response in [(office.partner, "declined"), (second, "accepted")]:
        case = execute(client, office.counselor, case, session_post(NextStep.PROPOSE_REFERRAL))
        case = execute(
            client,
            office.counselor,
            case,
            {"partner": partner.pk, "reason": "Rujukan.", "services_requested": ["protection"]},
        )
        case = execute(client, office.head, case, {"decision": "approve", "comment": ""})
        case = execute(client, office.counselor, case, {"response": response, "feedback": "OK"})
    assert list(case.referrals.order_by("id").values_list("partner", "status")) == [
        (office.partner.pk, ReferralStatus.DECLINED),
        (second.pk, ReferralStatus.ACCEPTED),
    ]
    assert case.stage == Stage.COUNSELING


@pytest.mark.django_db
def test_process_pages_render_for_every_role(client, office):
    office.assign(office.register())
    for user in [office.intake, office.head, office.counselor, office.auditor]:
        login(client, user)
        for url in ["/case/inbox/", "/case/queue/", "/case/archive/", "/case/chart/", "/cases/"]:
            assert client.get(url).status_code == 200, (user.username, url)


@pytest.mark.django_db
def test_indonesian_unless_english_is_chosen(client, office):
    login(client, office.head)
    page = client.get(reverse("cases:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Berkas Kasus" in page.content.decode()
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert "Case Files" in client.get(reverse("cases:index")).content.decode()


@pytest.mark.django_db
def test_administrator_manages_partners_but_sees_no_case(client, office):
    from tests.factories import make_user

    administrator = make_user("pengelola", "administrator", "Pengelola Sistem")
    administrator.is_staff = True
    administrator.save()
    case = office.register()
    login(client, administrator)
    assert client.get("/admin/lk3_flow/partner/").status_code == 200
    response = client.post(
        "/admin/lk3_flow/partner/add/",
        {"name": "LBH Rangkasbitung", "category": "legal_aid", "active": "on"},
    )
    assert response.status_code == 302
    assert office.partner.__class__.objects.filter(name="LBH Rangkasbitung").exists()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.number not in client.get(reverse("cases:index")).content.decode()
