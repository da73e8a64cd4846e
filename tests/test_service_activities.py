"""Home visits, accompaniments, protections and consultations as steps of a case, over HTTP."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from flows import services as flow_services
from letters.models import Letter, LetterKind
from lk3_flow import services
from lk3_flow.choices import HEAD_STAGES, NextStep, Review, Stage, next_steps_for
from lk3_flow.models import (
    Accompaniment,
    Case,
    Consultation,
    HomeVisit,
    HouseholdMember,
    Protection,
)
from lk3_flow.selectors import HISTORY_PAGE_SIZE
from plans import selectors as plan_selectors
from plans.models import GoalReview
from tests.factories import goal_reviews_post
from tests.pdf import extract_text, letter_bytes
from tests.test_lifecycle_http import execute, login, open_task, session_post, task_url
from workdays.selectors import end_of_day

pytestmark = pytest.mark.django_db


def day(offset: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).strftime("%d/%m/%Y")


def now_typed() -> str:
    return timezone.localtime().strftime("%d/%m/%Y %H:%M")


def in_counseling(office) -> Case:
    return office.to_counseling(office.register())


def choose(client, office, case: Case, next_step: str) -> Case:
    """A counseling session after which the counselor chooses `next_step`."""
    return execute(client, office.counselor, case, session_post(next_step))


def prepare_visit(client, office, case: Case) -> Case:
    return execute(
        client,
        office.counselor,
        case,
        {
            "person_concerned": "",
            "planned_on": day(2),
            "place": "Kp. Pasir Tariti RT 02/RW 05, Rangkasbitung",
            "purpose": "Melihat kondisi rumah dan berbicara dengan anak.",
        },
    )


def letters_of(case: Case, kind: str) -> list[Letter]:
    return list(Letter.objects.filter(case=case, kind=kind).order_by("pk"))


def test_a_home_visit_is_prepared_assigned_by_letter_and_reported(client, office):
    case = choose(client, office, in_counseling(office), NextStep.HOME_VISIT)
    assert case.stage == Stage.PREPARE_HOME_VISIT

    case = prepare_visit(client, office, case)

    assert case.stage == Stage.HOME_VISIT
    # The report is due at the end of the planned day, not ten working days on.
    visit = HomeVisit.objects.get(case=case)
    assert case.due_at == end_of_day(visit.planned_on)
    (letter,) = letters_of(case, LetterKind.HOME_VISIT_ASSIGNMENT)
    text = extract_text(letter_bytes(letter))
    assert "SURAT TUGAS KUNJUNGAN RUMAH" in text
    assert "Kp. Pasir Tariti RT 02/RW 05" in text and "Melihat kondisi rumah" in text
    assert "/ST-KR/" in letter.number
    report_page = client.get(task_url(open_task(case))).content.decode()
    assert "Melihat kondisi rumah" in report_page  # what was prepared, above the report

    case = execute(
        client,
        office.counselor,
        case,
        {
            "visited_on": day(0),
            "persons_met": "Ibu klien dan anak sulung",
            "findings": "Rumah sempit; anak tidur di rumah nenek.",
            "next_step": NextStep.ANOTHER_SESSION,
        },
    )

    visit.refresh_from_db()
    assert visit.visited_on == timezone.localdate() and visit.next_step == NextStep.ANOTHER_SESSION
    assert case.stage == Stage.COUNSELING


def test_a_report_of_a_visit_still_to_come_is_refused_and_changes_nothing(client, office):
    case = prepare_visit(
        client, office, choose(client, office, in_counseling(office), NextStep.HOME_VISIT)
    )
    task = open_task(case)

    response = client.post(
        task_url(task),
        {
            "visited_on": day(3),
            "persons_met": "Ibu klien",
            "findings": "Belum terjadi.",
            "next_step": NextStep.ANOTHER_SESSION,
        },
    )

    assert response.status_code == 200
    with translation.override("id"):
        refusal = gettext("This date is still to come; report it once it has passed.")
    assert refusal in response.content.decode()
    assert HomeVisit.objects.get(case=case).next_step == ""
    assert open_task(case).pk == task.pk


def test_an_accompaniment_has_its_letter_of_assignment_and_its_certificate(client, office):
    case = choose(client, office, in_counseling(office), NextStep.ACCOMPANIMENT)
    case = execute(
        client,
        office.counselor,
        case,
        {
            "person_concerned": "",
            "institution_kind": "religious_court",
            "institution_name": "Pengadilan Agama Rangkasbitung",
            "planned_on": day(1),
            "purpose": "Sidang mediasi perceraian.",
        },
    )
    assert case.stage == Stage.ACCOMPANIMENT
    (assignment,) = letters_of(case, LetterKind.ACCOMPANIMENT_ASSIGNMENT)
    assert "Pengadilan Agama Rangkasbitung" in extract_text(letter_bytes(assignment))

    case = execute(
        client,
        office.counselor,
        case,
        {
            "accompanied_on": day(0),
            "outcome": "Mediasi ditunda dua minggu.",
            "next_step": NextStep.PROPOSE_CLOSURE,
        },
    )

    assert case.stage == Stage.PROPOSE_CLOSURE
    (certificate,) = letters_of(case, LetterKind.ACCOMPANIMENT_CERTIFICATE)
    text = extract_text(letter_bytes(certificate))
    assert "SURAT KETERANGAN PENDAMPINGAN" in text and "Sidang mediasi" in text
    assert Accompaniment.objects.get(case=case).outcome == "Mediasi ditunda dua minggu."


def propose_protection(client, office, case: Case, **overrides: str) -> Case:
    return execute(
        client,
        office.counselor,
        case,
        {
            "person_concerned": "",
            "placement": "safe_house",
            "institution_name": "Rumah Aman UPTD PPA Lebak",
            "institution_address": "Jl. Pahlawan, Rangkasbitung",
            "starts_on": day(0),
            "planned_end_on": day(14),
            "reason": "Ancaman kekerasan dari pasangan.",
            **overrides,
        },
    )


def test_a_protection_starts_only_once_the_head_approves_it(client, office):
    case = propose_protection(
        client, office, choose(client, office, in_counseling(office), NextStep.PROTECTION)
    )
    assert case.stage == Stage.APPROVE_PROTECTION and Stage.APPROVE_PROTECTION in HEAD_STAGES
    assert not letters_of(case, LetterKind.PROTECTION_PLACEMENT)

    case = execute(client, office.head, case, {"decision": "return", "comment": "Cek keluarga."})

    assert case.stage == Stage.COUNSELING
    assert Protection.objects.get(case=case).review == Review.RETURNED
    login(client, office.counselor)
    assert "Cek keluarga." in client.get(task_url(open_task(case))).content.decode()
    assert not letters_of(case, LetterKind.PROTECTION_PLACEMENT)

    case = propose_protection(client, office, choose(client, office, case, NextStep.PROTECTION))
    case = execute(client, office.head, case, {"decision": "approve", "comment": ""})

    assert case.stage == Stage.PROTECTION
    protection = Protection.objects.filter(case=case).latest("pk")
    assert case.due_at == end_of_day(protection.planned_end_on)
    (letter,) = letters_of(case, LetterKind.PROTECTION_PLACEMENT)
    text = extract_text(letter_bytes(letter))
    assert "Yth. Pimpinan Rumah Aman UPTD PPA Lebak" in text
    assert "Rahasia" in text  # where a person is kept safe is never an ordinary letter


def test_a_placement_cannot_end_before_it_started(client, office):
    case = propose_protection(
        client, office, choose(client, office, in_counseling(office), NextStep.PROTECTION)
    )
    case = execute(client, office.head, case, {"decision": "approve", "comment": ""})
    login(client, office.counselor)
    task = open_task(case)

    response = client.post(
        task_url(task),
        {
            "ended_on": day(-1),
            "outcome": "Kembali ke rumah orang tua.",
            "next_step": NextStep.ANOTHER_SESSION,
        },
    )

    assert response.status_code == 200
    assert Protection.objects.get(case=case).ended_on is None
    assert open_task(case).pk == task.pk


def test_a_proposal_ending_before_it_starts_is_refused(client, office):
    case = choose(client, office, in_counseling(office), NextStep.PROTECTION)
    login(client, office.counselor)

    response = client.post(
        task_url(open_task(case)),
        {
            "person_concerned": "",
            "placement": "relatives",
            "institution_name": "Keluarga paman",
            "institution_address": "Kp. Cibeureum",
            "starts_on": day(5),
            "planned_end_on": day(1),
            "reason": "Aman di rumah paman.",
        },
    )

    assert response.status_code == 200
    assert not Protection.objects.exists()


def test_a_consultation_within_a_case_then_the_chosen_next_step(client, office):
    case = choose(client, office, in_counseling(office), NextStep.CONSULTATION)
    assert case.stage == Stage.CONSULTATION

    case = execute(
        client,
        office.counselor,
        case,
        {
            "person_concerned": "",
            "kind": "information",
            "held_at": now_typed(),
            "channel": "phone",
            "topic": "Prosedur dispensasi nikah",
            "given": "Dijelaskan syarat dan tempat pengajuan.",
            "next_step": NextStep.HOME_VISIT,
        },
    )

    assert Consultation.objects.get(case=case).topic == "Prosedur dispensasi nikah"
    assert case.stage == Stage.PREPARE_HOME_VISIT


def test_the_plan_decides_which_next_steps_are_offered():
    offered = next_steps_for({"counseling", "accompaniment"})

    assert offered == [
        NextStep.ANOTHER_SESSION,
        NextStep.ACCOMPANIMENT,
        NextStep.PROPOSE_CLOSURE,
    ]
    assert next_steps_for(None) == list(NextStep.values)


def test_the_case_page_pages_through_the_services_given(client, office):
    case = in_counseling(office)
    for number in range(HISTORY_PAGE_SIZE + 3):
        services.record_session(
            case=case,
            counselor=office.counselor,
            data={
                "scheduled_at": timezone.now() - datetime.timedelta(days=40 - number),
                "session_type": "individual",
                "notes": f"Catatan sesi ke-{number}",
                "next_step": NextStep.ANOTHER_SESSION,
            },
        )
    Consultation.objects.create(
        case=case,
        counselor=office.counselor,
        kind="consultation",
        held_at=timezone.now(),
        channel="phone",
        topic="Hak asuh anak",
        given="Dijelaskan.",
        next_step=NextStep.ANOTHER_SESSION,
    )
    login(client, office.counselor)
    url = reverse("cases:detail", args=[case.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert "Hak asuh anak" in first  # the newest first
    assert "Catatan sesi ke-12" in first and "Catatan sesi ke-0<" not in first
    assert "Catatan sesi ke-0<" in second or "Catatan sesi ke-0\n" in second
    assert "Hak asuh anak" not in second


def test_the_case_page_costs_the_same_queries_with_many_services(client, office):
    case = in_counseling(office)
    login(client, office.counselor)
    url = reverse("cases:detail", args=[case.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_services(count: int) -> None:
        for _ in range(count):
            HomeVisit.objects.create(
                case=case,
                counselor=office.counselor,
                planned_on=timezone.localdate(),
                place="Rumah klien",
                purpose="Kunjungan",
                next_step=NextStep.ANOTHER_SESSION,
            )
            Consultation.objects.create(
                case=case,
                counselor=office.counselor,
                kind="information",
                held_at=timezone.now(),
                channel="phone",
                topic="Informasi",
                given="Diberikan.",
                next_step=NextStep.ANOTHER_SESSION,
            )

    add_services(3)
    few = queries()
    add_services(100)

    # One read per kind of service on the page, whatever the number of services in the case.
    assert queries() <= few


def test_recording_an_activity_costs_no_more_queries_than_a_session(client, office):
    """The issue's measure, in queries: a consultation recorded through its page against a
    counseling session recorded through its own (neither schedules anything ahead)."""
    sessions_case = in_counseling(office)
    consultation_case = choose(client, office, in_counseling(office), NextStep.CONSULTATION)
    login(client, office.counselor)

    def queries(case: Case, data: dict) -> int:
        url = task_url(open_task(case))
        with CaptureQueriesContext(connection) as captured:
            assert client.post(url, data).status_code == 302
        return len(captured)

    session = queries(sessions_case, session_post(NextStep.ANOTHER_SESSION))
    consultation = queries(
        consultation_case,
        {
            "person_concerned": "",
            "kind": "consultation",
            "held_at": now_typed(),
            "channel": "in_person",
            "topic": "Hak asuh anak",
            "given": "Dijelaskan hak dan kewajiban orang tua.",
            "next_step": NextStep.ANOTHER_SESSION,
        },
    )

    assert consultation <= session


def test_erasure_keeps_a_member_a_visit_was_about_as_a_number(office):
    case = office.to_counseling(office.register())
    son = HouseholdMember.objects.create(
        client=case.client, full_name="Dede Saputra", relationship="child", sex="male"
    )
    HomeVisit.objects.create(
        case=case,
        counselor=office.counselor,
        person_concerned=son,
        planned_on=timezone.localdate(),
        place="Rumah nenek",
        purpose="Bertemu anak.",
    )
    flow_services.withdraw_case(case, actor=office.head, reason="Klien pindah ke luar daerah.")

    services.erase_client_personal_data(case.client, actor=office.head, reason="Permintaan klien.")

    son.refresh_from_db()
    assert "Dede" not in son.full_name and son.relationship == "child"
    assert HomeVisit.objects.get(case=case).person_concerned == son


def test_a_planned_case_is_offered_the_plan_s_next_steps_and_reviews_its_goals(client, office):
    case = office.register()
    case = office.review_assessment(office.assess(office.assign(case), goals=1))
    goal = plan_selectors.open_goals_of(case).get()
    goal.services = ["counseling", "outreach"]
    goal.save(update_fields=["services"])
    login(client, office.counselor)

    session_page = client.get(task_url(open_task(case)))

    offered = [value for value, _label in session_page.context["form"].fields["next_step"].choices]
    assert offered == [NextStep.ANOTHER_SESSION, NextStep.HOME_VISIT, NextStep.PROPOSE_CLOSURE]
    refused = client.post(
        task_url(open_task(case)),
        session_post(NextStep.ACCOMPANIMENT) | goal_reviews_post(case),
    )
    assert refused.status_code == 200 and open_task(case).flow_task.name == "counseling"

    case = execute(
        client, office.counselor, case, session_post(NextStep.HOME_VISIT) | goal_reviews_post(case)
    )
    case = prepare_visit(client, office, case)
    reviews = goal_reviews_post(case, status="achieved")
    case = execute(
        client,
        office.counselor,
        case,
        {
            "visited_on": day(0),
            "persons_met": "Ibu klien",
            "findings": "Rumah sudah aman.",
            "next_step": NextStep.PROPOSE_CLOSURE,
            **reviews,
        },
    )

    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert GoalReview.objects.filter(goal=goal).count() == 2  # the session's and the visit's
    assert case.stage == Stage.PROPOSE_CLOSURE
