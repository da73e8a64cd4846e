"""Services given without a case file, their conversion into a case, and outreach events."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from desk import selectors, services
from desk.choices import Channel, FollowUp, RequesterKind
from desk.models import DeskService, OutreachEvent
from lk3_flow.models import Case, Client
from regions.models import District, Village
from tests.factories import MUARA_CIUJUNG_TIMUR, RANGKASBITUNG, make_user
from tests.test_lifecycle_http import START_URL, intake_post

LIST_URL = "/layanan/konsultasi/"
ADD_URL = "/layanan/konsultasi/baru/"
OUTREACH_URL = "/layanan/penyuluhan/"
OUTREACH_ADD_URL = "/layanan/penyuluhan/baru/"


def now_text() -> str:
    return (timezone.localtime() - datetime.timedelta(minutes=5)).strftime("%d/%m/%Y %H:%M")


def desk_post(**overrides: str) -> dict:
    data = {
        "service": "consultation",
        "occurred_at": now_text(),
        "channel": "phone",
        "requester_kind": "individual",
        "requester_name": "Ibu Yayah",
        "sex": "female",
        "age_group": "adult",
        "phone": "0812-1111-2222",
        "kecamatan": str(District.objects.get(code=RANGKASBITUNG).pk),
        "desa": str(Village.objects.get(code=MUARA_CIUJUNG_TIMUR).pk),
        "problem_categories": ["parenting"],
        "topic": "Anak remaja sering bolos sekolah",
        "answer": "Dijelaskan layanan konseling keluarga dan jadwalnya.",
    }
    data.update(overrides)
    return data


def record(actor, **overrides) -> DeskService:
    data = {
        "service": "consultation",
        "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "channel": Channel.PHONE,
        "requester_kind": RequesterKind.INDIVIDUAL,
        "topic": "Cara mengurus hak asuh",
        "answer": "Diarahkan ke Posbakum.",
        **overrides,
    }
    return services.record_desk_service(actor=actor, **data)


def outreach_post(office, **overrides) -> dict:
    data = {
        "kind": "awareness",
        "held_on": timezone.localdate().strftime("%d/%m/%Y"),
        "place": "Balai Desa Muara Ciujung Timur",
        "kecamatan": str(District.objects.get(code=RANGKASBITUNG).pk),
        "desa": "",
        "audience_kind": "community",
        "audience_description": "Ibu-ibu PKK",
        "men": "4",
        "women": "31",
        "topic": "Pencegahan perkawinan anak",
        "materials": "Leaflet, slide",
        "officers": [str(office.counselor.pk)],
        "notes": "",
    }
    data.update(overrides)
    return data


# Recording


def test_an_intake_officer_records_a_consultation_from_the_form(client, office):
    client.force_login(office.intake)
    response = client.post(ADD_URL, desk_post())
    record = DeskService.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("layanan:desk_service", args=[record.pk])
    assert record.handled_by == office.intake
    assert record.problem_categories == ["parenting"]
    assert record.follow_up == FollowUp.NONE


def test_the_record_is_audited_without_the_requester_s_words(client, office):
    client.force_login(office.counselor)
    client.post(ADD_URL, desk_post())
    event = AuditEvent.objects.get(action=Action.DESK_SERVICE_RECORDED)
    text = str(event.details) + event.object_label
    assert event.object_id == str(DeskService.objects.get().pk)
    assert "requester_name" in event.details["fields"]
    for personal in ["Yayah", "0812", "bolos", "konseling keluarga"]:
        assert personal not in text


def test_a_village_alone_fills_in_its_district(office):
    village = Village.objects.get(code=MUARA_CIUJUNG_TIMUR)
    saved = record(office.intake, desa=village)
    assert saved.kecamatan_id == village.district_id


GROUP = {"requester_kind": "group", "sex": "", "age_group": ""}
LATER = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%d/%m/%Y %H:%M")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({**GROUP, "requester_name": ""}, "requester_name"),
        ({**GROUP, "requester_name": "Karang Taruna"}, "head_count"),
        ({**GROUP, "requester_kind": "organisation", "requester_name": "PT", "sex": "male"}, "sex"),
        ({"head_count": "3"}, "head_count"),
        ({"occurred_at": LATER}, "occurred_at"),
        ({"topic": ""}, "topic"),
        ({"channel": "pigeon"}, "channel"),
        ({"problem_categories": ["astrology"]}, "problem_categories"),
        ({"phone": "call me"}, "phone"),
        ({"desa": "999999999"}, "desa"),
    ],
)  # fmt: skip
def test_bad_input_is_a_form_error_and_changes_nothing(client, office, overrides, field):
    client.force_login(office.intake)
    response = client.post(ADD_URL, desk_post(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert DeskService.objects.count() == 0
    assert not AuditEvent.objects.filter(action=Action.DESK_SERVICE_RECORDED).exists()


def test_a_village_of_another_district_is_refused(client, office):
    other = District.objects.filter(regency__code="36.02").exclude(code=RANGKASBITUNG).first()
    client.force_login(office.intake)
    response = client.post(ADD_URL, desk_post(kecamatan=str(other.pk)))
    assert "desa" in response.context["form"].errors
    assert DeskService.objects.count() == 0


def test_a_group_is_named_and_counted(office):
    saved = record(
        office.head,
        requester_kind=RequesterKind.GROUP,
        requester_name="Karang Taruna",
        head_count=15,
    )
    assert saved.head_count == 15


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_auditors_and_the_administrator_record_nothing(client, office, role):
    office.administrator = make_user("pengelola", "administrator")
    client.force_login(getattr(office, role))
    assert client.get(ADD_URL).status_code == 403
    assert client.post(ADD_URL, desk_post()).status_code == 403
    with pytest.raises(PermissionDenied):
        record(getattr(office, role))
    assert DeskService.objects.count() == 0


# Who sees what


def test_officers_see_the_services_they_handled_heads_and_auditors_all(client, office):
    own = record(office.intake, topic="Milik petugas")
    theirs = record(office.counselor, topic="Milik konselor")
    office.administrator = make_user("pengelola", "administrator")
    expected = {
        "intake": {own.pk},
        "counselor": {theirs.pk},
        "head": {own.pk, theirs.pk},
        "auditor": {own.pk, theirs.pk},
    }
    for role, visible in expected.items():
        client.force_login(getattr(office, role))
        response = client.get(LIST_URL)
        assert response.status_code == 200, role
        assert {row.pk for row in response.context["page_obj"]} == visible, role
    client.force_login(office.administrator)
    assert client.get(LIST_URL).status_code == 403


def test_someone_else_s_service_does_not_exist_for_an_officer(client, office):
    theirs = record(office.counselor)
    url = reverse("layanan:desk_service", args=[theirs.pk])
    client.force_login(office.intake)
    assert client.get(url).status_code == 404
    client.force_login(office.other_counselor)
    assert client.get(url).status_code == 404
    client.force_login(office.auditor)
    assert client.get(url).status_code == 200


def test_the_list_filters_by_month_service_and_channel(client, office):
    last_month = timezone.now() - datetime.timedelta(days=40)
    old = record(office.head, occurred_at=last_month, channel=Channel.LETTER)
    new = record(office.head, service="information", channel=Channel.WALK_IN)
    client.force_login(office.head)
    for terms, expected in [
        ({"month": timezone.localtime(last_month).strftime("%m/%Y")}, {old.pk}),
        ({"service": "information"}, {new.pk}),
        ({"channel": "letter"}, {old.pk}),
    ]:
        response = client.post(LIST_URL, terms)
        page = client.get(response.url)
        assert {row.pk for row in page.context["page_obj"]} == expected, terms


def test_a_nonsense_month_is_a_form_error_not_a_failure(client, office):
    record(office.head)
    client.force_login(office.head)
    page = client.get(client.post(LIST_URL, {"month": "13/20x6"}).url)
    assert page.status_code == 200
    assert "month" in page.context["filter"].form.errors


def test_the_list_runs_the_same_queries_for_many_rows(client, office):
    client.force_login(office.head)
    record(office.head)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for number in range(30):
        record(office.intake if number % 2 else office.counselor, desa=Village.objects.first())
    with CaptureQueriesContext(connection) as many:
        client.get(LIST_URL)
    assert len(many) == len(few)


# Making a service into a case


def convert_url(desk_service: DeskService) -> str:
    return f"{START_URL}?{selectors.CONVERT_PARAMETER}={desk_service.pk}"


def test_the_registration_starts_from_the_service(client, office):
    client.force_login(office.intake)
    client.post(ADD_URL, desk_post())
    desk_service = DeskService.objects.get()
    page = client.get(reverse("layanan:desk_service", args=[desk_service.pk]))
    assert convert_url(desk_service) in page.content.decode().replace("&amp;", "&")
    response = client.get(convert_url(desk_service))
    client_form, case_form = response.context["client_form"], response.context["case_form"]
    assert client_form["full_name"].value() == "Ibu Yayah"
    assert client_form["phone"].value() == "0812-1111-2222"
    assert client_form["sex"].value() == "female"
    assert case_form["channel"].value() == "phone_online"
    assert case_form["services"].value() == ["consultation"]
    assert "bolos" in case_form["complaint"].value()


def test_registering_from_a_service_links_it_to_the_new_case(client, office):
    desk_service = record(office.intake)
    client.force_login(office.intake)
    response = client.post(convert_url(desk_service), intake_post())
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    desk_service.refresh_from_db()
    assert desk_service.case == case
    assert desk_service.follow_up == FollowUp.CASE
    created = AuditEvent.objects.get(action=Action.CASE_CREATED)
    converted = [
        effect
        for effect in created.details["effects"]
        if effect["action"] == Action.DESK_SERVICE_CONVERTED
    ]
    assert converted[0]["object_id"] == str(desk_service.pk)


def test_a_service_already_made_into_a_case_is_not_registered_twice(client, office):
    desk_service = record(office.intake)
    client.force_login(office.intake)
    client.post(convert_url(desk_service), intake_post())
    second = client.post(
        convert_url(desk_service),
        intake_post(**{"client-nik": "3602011203850002", "client-full_name": "Orang Lain"}),
    )
    assert second.status_code == 200
    assert second.context["case_form"].non_field_errors()
    assert Case.objects.count() == 1
    assert not Client.objects.filter(full_name="Orang Lain").exists()


def test_the_second_of_two_registrations_opened_at_once_is_refused(client, office):
    """Both officers opened the page before either saved: the second save finds it linked."""
    desk_service = record(office.head)
    first = services.link_to_case(
        actor=office.head, desk_service_id=desk_service.pk, case=office.register()
    )
    assert first.case_id is not None
    other_case = office.register(full_name="Budi")
    with pytest.raises(ValidationError):
        services.link_to_case(actor=office.head, desk_service_id=desk_service.pk, case=other_case)
    desk_service.refresh_from_db()
    assert desk_service.case == first.case


@pytest.mark.django_db(transaction=True)
def test_two_registrations_from_one_service_at_the_same_moment_link_it_once(office):
    """The second waits for the first's lock, then finds the service linked and is refused."""
    desk_service = record(office.head)
    first_case, second_case = office.register(), office.register(full_name="Budi")
    linked, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                services.link_to_case(
                    actor=office.head, desk_service_id=desk_service.pk, case=first_case
                )
                linked.set()
                release.wait(30)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            services.link_to_case(
                actor=office.head, desk_service_id=desk_service.pk, case=second_case
            )
            outcome["second"] = "linked"
        except ValidationError:
            outcome["second"] = "refused"
        finally:
            connections.close_all()

    holder = threading.Thread(target=first)
    holder.start()
    assert linked.wait(30)
    waiter = threading.Thread(target=second)
    waiter.start()
    time.sleep(0.5)  # the second is waiting on the row's lock
    assert "second" not in outcome
    release.set()
    holder.join()
    waiter.join()
    assert outcome["second"] == "refused"
    desk_service.refresh_from_db()
    assert desk_service.case == first_case


def test_the_registration_page_refuses_to_start_from_an_already_linked_service(client, office):
    desk_service = record(office.intake)
    client.force_login(office.intake)
    client.post(convert_url(desk_service), intake_post())
    assert client.get(convert_url(desk_service)).status_code == 404


def test_a_counselor_cannot_make_a_service_into_a_case(client, office):
    desk_service = record(office.counselor)
    client.force_login(office.counselor)
    page = client.get(reverse("layanan:desk_service", args=[desk_service.pk]))
    assert "lk3-convert" not in page.content.decode()
    assert client.post(convert_url(desk_service), intake_post()).status_code == 403
    assert Case.objects.count() == 0


def test_an_officer_cannot_convert_a_colleague_s_service(client, office):
    theirs = record(office.head)
    client.force_login(office.intake)
    assert client.get(convert_url(theirs)).status_code == 404
    assert client.post(convert_url(theirs), intake_post()).status_code == 403
    assert Case.objects.count() == 0
    theirs.refresh_from_db()
    assert theirs.case_id is None


def test_a_nonsense_service_id_is_refused(client, office):
    client.force_login(office.intake)
    assert client.get(f"{START_URL}?{selectors.CONVERT_PARAMETER}=abc").status_code == 404
    assert (
        client.post(f"{START_URL}?{selectors.CONVERT_PARAMETER}=abc", intake_post()).status_code
        == 403
    )
    assert Case.objects.count() == 0


# Outreach events


def test_a_counselor_records_an_outreach_event(client, office):
    client.force_login(office.counselor)
    response = client.post(OUTREACH_ADD_URL, outreach_post(office))
    event = OutreachEvent.objects.get()
    assert response.status_code == 302
    assert event.total == 35
    assert list(event.officers.all()) == [office.counselor]
    audit = AuditEvent.objects.get(action=Action.OUTREACH_EVENT_RECORDED)
    assert audit.details["women"] == 31


def test_an_event_nobody_attended_is_refused(client, office):
    client.force_login(office.counselor)
    response = client.post(OUTREACH_ADD_URL, outreach_post(office, men="0", women="0"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert OutreachEvent.objects.count() == 0


def test_the_recorder_changes_an_event_and_the_audit_names_the_fields(client, office):
    client.force_login(office.counselor)
    client.post(OUTREACH_ADD_URL, outreach_post(office))
    event = OutreachEvent.objects.get()
    edit = reverse("layanan:outreach_edit", args=[event.pk])
    response = client.post(edit, outreach_post(office, women="40", place="SMPN 1 Rangkasbitung"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.total == 44
    changed = AuditEvent.objects.get(action=Action.OUTREACH_EVENT_CHANGED)
    assert changed.details["changed"] == ["place", "women"]
    assert changed.details["women"] == [31, 40]
    assert "SMPN" not in str(changed.details)


def test_saving_an_unchanged_event_records_no_change(client, office):
    client.force_login(office.counselor)
    client.post(OUTREACH_ADD_URL, outreach_post(office))
    event = OutreachEvent.objects.get()
    client.post(reverse("layanan:outreach_edit", args=[event.pk]), outreach_post(office))
    assert not AuditEvent.objects.filter(action=Action.OUTREACH_EVENT_CHANGED).exists()


@pytest.mark.parametrize(
    ("role", "sees", "records", "edits"),
    [
        ("intake", True, False, False),
        ("counselor", True, True, True),
        ("other_counselor", True, True, False),
        ("head", True, True, True),
        ("auditor", True, False, False),
        ("administrator", False, False, False),
    ],
)
def test_outreach_access_per_role(client, office, role, sees, records, edits):
    office.administrator = make_user("pengelola", "administrator")
    event = services.record_outreach(
        actor=office.counselor,
        officers=[office.counselor],
        kind="socialisation",
        held_on=timezone.localdate(),
        place="Aula Kecamatan",
        audience_kind="agency",
        men=3,
        women=5,
        topic="Layanan LK3",
    )
    client.force_login(getattr(office, role))
    detail = reverse("layanan:outreach_detail", args=[event.pk])
    assert client.get(OUTREACH_URL).status_code == (200 if sees else 403)
    # The administrator is refused the whole application, before any record is looked up.
    assert client.get(detail).status_code == (200 if sees else 403)
    assert client.get(OUTREACH_ADD_URL).status_code == (200 if records else 403)
    edit = client.post(
        reverse("layanan:outreach_edit", args=[event.pk]), outreach_post(office, women="9")
    )
    assert edit.status_code == (302 if edits else 403)
    event.refresh_from_db()
    assert event.women == (9 if edits else 5)


def test_the_outreach_list_runs_the_same_queries_for_many_rows(client, office):
    client.force_login(office.head)

    def add(count: int) -> None:
        for _ in range(count):
            services.record_outreach(
                actor=office.head,
                officers=[office.counselor, office.head],
                kind="awareness",
                held_on=timezone.localdate(),
                place="Sekolah",
                audience_kind="school",
                men=10,
                women=10,
                topic="Perundungan",
                desa=Village.objects.first(),
            )

    add(1)
    with CaptureQueriesContext(connection) as few:
        client.get(OUTREACH_URL)
    add(30)
    with CaptureQueriesContext(connection) as many:
        client.get(OUTREACH_URL)
    assert len(many) == len(few)
