"""A returning client is found, by NIK, name and birth date or a name spelled otherwise; the new
case joins their record; two records of one person are merged by a head, every move listed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from audit import personal
from audit.models import Action, AuditEvent
from flows import services as flow_services
from lk3_flow import personal_data, selectors, services
from lk3_flow.models import Case, Client, HouseholdMember
from lk3_flow.names import name_key, phone_key
from regions.models import Village
from tests.factories import in_english, registration, search
from tests.test_lifecycle_http import START_URL, intake_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Dedy Kurniawan", "Dedi Kurniawan"),
        ("Achmad Soekarno", "Ahmad Sukarno"),
        ("Siti Aminah", "SITI AMINA"),
        ("Muhammad Djuanda", "Muhamad Juanda"),
        ("Tjitjih", "Cicih"),
        ("Nyai Sjarifah", "Nyai Syarifah"),
    ],
)
def test_spellings_of_one_name_share_a_key(one, other):
    assert name_key(one) == name_key(other)


def test_different_names_keep_different_keys():
    assert name_key("Adi") != name_key("Hadi")
    assert name_key("Dewi Lestari") != name_key("Dewi Lestiani")
    assert name_key("  ") == ""


def test_a_phone_number_is_keyed_as_dialled_at_home():
    assert phone_key("+62 812-3456-7890") == phone_key("0812 3456 7890") == "081234567890"


def register(office, full_name: str, **client_data) -> Case:
    entry = registration(full_name=full_name)
    entry.client_data.update(client_data)
    return flow_services.start_case(actor=office.intake, registration=entry)


def found(client, text: str) -> str:
    return search(client, reverse("cases:index"), {"q": text}).content.decode()


def test_the_case_list_finds_a_client_by_every_field_a_person_remembers(client, office):
    village = Village.objects.get(name="Muara Ciujung Timur")
    wanted = register(
        office,
        "Dedi Kurniawan",
        nik="3602011203850001",
        phone="0812-3456-7890",
        desa=village,
        kecamatan=village.district,
        sex="male",
        birth_date=datetime.date(1985, 3, 12),
    )
    HouseholdMember.objects.create(
        client=wanted.client, full_name="Euis Kurniasih", relationship="wife"
    )
    other = register(office, "Dewi Lestari")
    client.force_login(office.head)
    for text in [
        "Dedy",  # another spelling
        "kurniawan",
        "3602011203850001",  # the NIK
        "360201120385",  # its beginning
        "+62 812 3456 7890",  # the phone number, written otherwise
        "Muara Ciujung",  # the village
        "Euis",  # a household member
    ]:
        page = found(client, text)
        assert wanted.number in page, text
        assert other.number not in page, text


def test_a_word_matches_words_that_start_like_it_not_inside_others(client, office):
    adi = register(office, "Adi Saputra")
    hadi = register(office, "Hadi Saputra")
    client.force_login(office.head)
    page = found(client, "Adi")
    assert adi.number in page and hadi.number not in page


def test_no_field_finds_a_client_whose_name_is_masked(client, office):
    secret = office.assign(
        register(office, "Rahasia Aminah", nik="3602015705900003", phone="0813-1111-2222")
    )
    Case.objects.filter(pk=secret.pk).update(sensitive=True)
    HouseholdMember.objects.create(
        client=secret.client, full_name="Ujang Rahasia", relationship="child"
    )
    client.force_login(office.head)  # sees every case, but not this client's name
    for text in ["Rahasia", "3602015705900003", "0813-1111-2222", "Ujang", "Rangkasbitung"]:
        assert secret.number not in found(client, text), text
    assert secret.number in found(client, secret.number)
    client.force_login(office.counselor)  # the case's counselor knows the client
    assert secret.number in found(client, "3602015705900003")


def test_the_auditor_finds_a_case_by_the_clients_nik(client, office):
    case = register(office, "Siti Aminah", nik="3602015705900003")
    register(office, "Dewi Lestari")
    client.force_login(office.auditor)
    page = search(client, reverse("audit:index"), {"client": "3602015705900003"})
    assert case.number in page.content.decode()


def test_registration_finds_a_client_spelled_otherwise_and_adds_the_case_to_them(client, office):
    earlier = register(office, "Keluarga Bapak Ujang Dedi")
    in_english(client).force_login(office.intake)
    data = intake_post(**{"client-full_name": "Keluarga Bapak Oedjang Dedy", "client-nik": ""})
    warned = client.post(START_URL, data)
    assert warned.status_code == 200
    assert warned.context["duplicates"].named == [earlier.client]
    assert "Similar clients are already registered." in warned.content.decode()
    attached = client.post(START_URL, {**data, "case-same_client": str(earlier.client_id)})
    assert attached.status_code == 302
    assert Client.objects.count() == 1
    new_case = Case.objects.exclude(pk=earlier.pk).get()
    assert new_case.client_id == earlier.client_id
    # The client's data as recorded are kept: the household typed at the desk is not added.
    assert not earlier.client.members.exists()


def test_a_forged_client_id_attaches_nothing(client, office):
    earlier = register(office, "Keluarga Bapak Ujang")
    unrelated = register(office, "Dewi Lestari")
    client.force_login(office.intake)
    data = intake_post(**{"client-nik": "", "case-same_client": str(unrelated.client_id)})
    response = client.post(START_URL, data)
    assert response.status_code == 200
    assert "same_client" in response.context["same_client_form"].errors
    assert Case.objects.count() == 2
    assert earlier.client.cases.count() == 1 and unrelated.client.cases.count() == 1


def test_a_second_client_with_a_registered_nik_is_refused_by_the_service(office):
    register(office, "Siti Aminah", nik="3602015705900003")
    entry = registration(full_name="Siti Aminah Dua")
    entry.client_data["nik"] = "3602015705900003"
    with pytest.raises(ValidationError):
        services.register_case(actor=office.intake, registration=entry)
    assert Client.objects.count() == 1


def merge_url(case: Case) -> str:
    return reverse("cases:merge_clients", args=[case.pk])


@pytest.fixture
def twice(office) -> tuple[Case, Case]:
    """One woman registered twice: once with a NIK, once with a phone number and a daughter."""
    kept = register(office, "Siti Aminah", nik="3602015705900003")
    merged = register(office, "Siti Amina", phone="0812-1111-2222")
    HouseholdMember.objects.create(
        client=merged.client, full_name="Nur Aminah", relationship="child"
    )
    return kept, merged


def test_a_head_merges_two_records_after_seeing_what_moves(client, office, twice):
    kept, merged = twice
    in_english(client).force_login(office.head)
    page = client.get(merge_url(kept))
    assert page.status_code == 200
    assert page.context["choice"].fields["other"].choices[0][0] == str(merged.client_id)

    # Chosen and even confirmed at once: the records are listed first, nothing moves yet.
    choice = {"other": str(merged.client_id), "reason": "Satu orang.", "confirm": "on"}
    review = client.post(merge_url(kept), choice)
    assert review.status_code == 200
    html = review.content.decode()
    assert merged.number in html and "Nur Aminah" in html and "0812-1111-2222" in html
    assert Client.objects.get(pk=merged.client_id).merged_into is None

    done = client.post(merge_url(kept), {**choice, "reviewed": str(merged.client_id)})
    assert done.status_code == 302
    gone = Client.objects.get(pk=merged.client_id)
    assert gone.merged_into_id == kept.client_id
    assert gone.full_name == str(gone) and gone.phone == ""
    survivor = Client.objects.get(pk=kept.client_id)
    assert survivor.phone == "0812-1111-2222"  # filled in; the NIK it had is kept
    assert survivor.nik == "3602015705900003"
    assert set(survivor.cases.values_list("pk", flat=True)) == {kept.pk, merged.pk}
    assert list(survivor.members.values_list("full_name", flat=True)) == ["Nur Aminah"]

    event = AuditEvent.objects.get(action=Action.CLIENTS_MERGED)
    assert event.details["cases_moved"] == merged.number
    assert event.details["merged_client"] == str(gone)
    assert "Nur Aminah" not in str(event.details)  # encrypted with the kept client's key
    readable = personal.reveal(event.details[personal.ENVELOPE])
    assert readable["household"][1] == ["Nur Aminah · Child"]
    assert "0812-1111-2222" in readable["merged_identity"][0]
    client.force_login(office.auditor)
    timeline = client.get(reverse("audit:timeline", args=[merged.pk])).content.decode()
    assert "Nur Aminah" in timeline and "0812-1111-2222" in timeline


def test_a_merged_record_is_found_no_more(office, twice):
    kept, merged = twice
    services.merge_clients(
        actor=office.head, kept=kept.client, merged=merged.client, reason="Satu orang."
    )
    matches = selectors.possible_duplicate_clients(
        nik="", full_name="Siti Amina", birth_date=datetime.date(1990, 5, 17)
    )
    assert list(matches) == [Client.objects.get(pk=kept.client_id)]
    with pytest.raises(ValidationError):
        services.merge_clients(
            actor=office.head, kept=kept.client, merged=merged.client, reason="Lagi."
        )


def test_only_a_head_merges(client, office, twice):
    kept, merged = twice
    for person in (office.counselor, office.intake, office.auditor):
        client.force_login(person)
        assert client.get(merge_url(kept)).status_code in (403, 404)
        with pytest.raises(PermissionDenied):
            services.merge_clients(actor=person, kept=kept.client, merged=merged.client, reason="x")
    assert not AuditEvent.objects.filter(action=Action.CLIENTS_MERGED).exists()


def test_a_client_masked_to_the_head_cannot_be_merged(client, office, twice):
    kept, merged = twice
    Case.objects.filter(pk=merged.pk).update(sensitive=True, counselor=office.counselor)
    client.force_login(office.head)
    page = client.get(merge_url(kept))
    assert page.context["choice"].fields["other"].choices == []
    response = client.post(merge_url(kept), {"case_number": merged.number})
    assert "case_number" in response.context["choice"].errors
    with pytest.raises(ValidationError):
        services.merge_clients(
            actor=office.head, kept=kept.client, merged=merged.client, reason="x"
        )
    assert Client.objects.get(pk=merged.client_id).merged_into is None


def test_erasing_the_kept_client_erases_the_merged_record_too(office, twice):
    kept, merged = twice
    services.merge_clients(
        actor=office.head, kept=kept.client, merged=merged.client, reason="Satu orang."
    )
    for case in (kept, merged):
        Case.objects.filter(pk=case.pk).update(status="closed")
    services.erase_client_personal_data(
        Client.objects.get(pk=kept.client_id), actor=office.head, reason="Permintaan klien."
    )
    assert personal.is_erased(personal_data.subject(kept.client_id))
    assert personal.is_erased(personal_data.subject(merged.client_id))
    erasure = AuditEvent.objects.get(action=Action.PERSONAL_DATA_ERASED)  # one event for both
    assert erasure.details["same_person"] == [personal_data.subject(merged.client_id)]


def test_a_merged_record_is_erased_only_with_the_client_kept(office, twice):
    kept, merged = twice
    services.merge_clients(
        actor=office.head, kept=kept.client, merged=merged.client, reason="Satu orang."
    )
    with pytest.raises(ValidationError):
        services.erase_client_personal_data(
            Client.objects.get(pk=merged.client_id), actor=office.head, reason="Permintaan."
        )
    assert not personal.is_erased(personal_data.subject(merged.client_id))


def test_a_typo_is_forgiven_where_the_database_can(office):
    """PostgreSQL's trigram similarity finds a name a typo away once nothing else matches;
    SQLite offices search by spelling alone."""
    case = register(office, "Dedi Kurniawan")
    found = selectors.clients_matching("Dedy Kurniwan")
    if connection.vendor == "postgresql":
        assert list(found) == [case.client]
    else:
        assert not found.exists()
    assert list(selectors.clients_matching("Dedy Kurniawan")) == [case.client]
