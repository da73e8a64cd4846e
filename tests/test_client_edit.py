"""Correcting a client's data and household after registration: who may, and what is kept."""

import datetime

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from audit.personal import readable_changes_of
from auditor.selectors import readable_changes
from lk3_flow import services
from lk3_flow.models import Client, HouseholdMember
from regions.models import District, Village
from tests.factories import CIBADAK, in_english

pytestmark = pytest.mark.django_db

PASIRTANJUNG = "36.02.14.2001"


def edit_url(case) -> str:
    return reverse("cases:edit_client", args=[case.pk])


def form_data(client: Client, **overrides: str) -> dict[str, str]:
    """The edit form as it comes back unchanged, with `overrides` typed over it."""
    members = list(client.members.order_by("pk"))
    data = {
        "version": services.client_version(client),
        "client-kind": client.kind,
        "client-full_name": client.full_name,
        "client-nik": client.nik,
        "client-family_card_number": client.family_card_number,
        "client-sex": client.sex,
        "client-birth_date": client.birth_date.strftime("%d/%m/%Y") if client.birth_date else "",
        "client-address": client.address,
        "client-kecamatan": str(client.kecamatan_id or ""),
        "client-desa": str(client.desa_id or ""),
        "client-phone": client.phone,
        "client-email": client.email,
        "members-TOTAL_FORMS": str(len(members) + 2),
        "members-INITIAL_FORMS": str(len(members)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for index, member in enumerate(members):
        data |= {
            f"members-{index}-id": str(member.pk),
            f"members-{index}-full_name": member.full_name,
            f"members-{index}-relationship": member.relationship,
            f"members-{index}-relationship_note": member.relationship_note,
            f"members-{index}-nik": member.nik,
            f"members-{index}-sex": member.sex,
            f"members-{index}-birth_date": "",
        }
    return data | overrides


def changes_of_last_edit(case) -> dict:
    event = AuditEvent.objects.filter(action=Action.CLIENT_CHANGED, case_id=case.pk).latest("pk")
    return readable_changes_of(event)


def test_the_counselor_corrects_the_client_and_the_log_keeps_before_and_after(client, office):
    case = office.assign(office.register(full_name="Siti Aminah"))
    HouseholdMember.objects.create(client=case.client, full_name="Dedi", relationship="child")
    in_english(client).force_login(office.counselor)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert edit_url(case) in page

    village = Village.objects.get(code=PASIRTANJUNG)
    response = client.post(
        edit_url(case),
        form_data(
            case.client,
            **{
                "client-full_name": "Siti Aminah Binti Hasan",
                "client-desa": str(village.pk),
                "client-phone": "0812-1111-2222",
                "members-0-relationship_note": "anak kandung",
                "members-1-full_name": "Rina",
                "members-1-relationship": "child",
            },
        ),
    )
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])

    corrected = Client.objects.get(pk=case.client_id)
    assert (corrected.full_name, corrected.desa, corrected.phone) == (
        "Siti Aminah Binti Hasan",
        village,
        "0812-1111-2222",
    )
    assert [m.full_name for m in corrected.members.order_by("pk")] == ["Dedi", "Rina"]
    [event] = AuditEvent.objects.filter(action=Action.CLIENT_CHANGED)
    assert event.actor_id == office.counselor.pk and event.case_id == case.pk
    # In clear only the field names: the values are the client's, encrypted with their key.
    assert "Siti" not in str(event.details) and "0812" not in str(event.details)
    changes = changes_of_last_edit(case)
    assert changes["full_name"] == ["Siti Aminah", "Siti Aminah Binti Hasan"]
    assert changes["desa"] == [None, "Pasirtanjung"]
    assert changes["members"] == [["Dedi · Child"], ["Dedi · Child (anak kandung)", "Rina · Child"]]
    assert set(changes) == {"full_name", "desa", "phone", "members"}
    labels = {change.label for change in readable_changes("lk3_flow.Client", changes)}
    assert {"full name", "village", "household member"} <= labels


def test_a_head_removes_a_household_member_and_corrects_the_district(client, office):
    case = office.register()
    member = HouseholdMember.objects.create(
        client=case.client, full_name="Ujang", relationship="husband"
    )
    in_english(client).force_login(office.head)
    cibadak = District.objects.get(code=CIBADAK)
    data = form_data(case.client, **{"client-kecamatan": str(cibadak.pk), "members-0-DELETE": "on"})
    assert client.post(edit_url(case), data).status_code == 302
    assert not HouseholdMember.objects.filter(pk=member.pk).exists()
    changes = changes_of_last_edit(case)
    assert changes["kecamatan"] == ["Rangkasbitung", "Cibadak"]
    assert changes["members"] == [["Ujang · Husband"], []]


def test_nothing_changed_records_nothing(client, office):
    case = office.register()
    client.force_login(office.head)
    response = client.post(edit_url(case), form_data(case.client), follow=True)
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=Action.CLIENT_CHANGED).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("client-nik", "3602011203850001", "NIK"),  # a man's birth date, a female client
        ("client-full_name", "", "required"),
        ("client-desa", "999999", "valid choice"),
        ("client-birth_date", "31/02/1990", "valid date"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_changes_nothing(client, office, field, value, message):
    case = office.register()
    before = Client.objects.values().get(pk=case.client_id)
    in_english(client).force_login(office.head)
    response = client.post(edit_url(case), form_data(case.client, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Client.objects.values().get(pk=case.client_id) == before
    assert not AuditEvent.objects.filter(action=Action.CLIENT_CHANGED).exists()


def test_an_edit_begun_before_another_correction_is_refused(client, office):
    case = office.register()
    stale = form_data(case.client, **{"client-phone": "0812-0000-0001"})
    client.force_login(office.head)
    assert client.post(edit_url(case), form_data(case.client, **{"client-address": "Jl. Baru"}))
    in_english(client)
    response = client.post(edit_url(case), stale)
    assert response.status_code == 200
    assert "Someone else corrected this client" in response.content.decode()
    assert Client.objects.get(pk=case.client_id).phone == ""


def test_a_nik_of_another_client_is_refused(client, office):
    first = office.register(full_name="Siti Aminah")
    Client.objects.filter(pk=first.client_id).update(nik="3602015705900001")
    second = office.register(full_name="Siti Lain")
    in_english(client).force_login(office.head)
    response = client.post(
        edit_url(second), form_data(second.client, **{"client-nik": "3602015705900001"})
    )
    assert response.status_code == 200
    assert "Another client is registered with this NIK" in response.content.decode()
    assert Client.objects.get(pk=second.client_id).nik == ""


def test_a_member_of_another_client_cannot_be_edited_through_this_one(client, office):
    case = office.register()
    stranger = HouseholdMember.objects.create(
        client=office.register(full_name="Klien Lain").client,
        full_name="Asing",
        relationship="child",
    )
    client.force_login(office.head)
    data = form_data(
        case.client,
        **{
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "1",
            "members-0-id": str(stranger.pk),
            "members-0-full_name": "Diubah",
            "members-0-relationship": "child",
        },
    )
    # The form reads an id outside this client's household as a new row of it: whatever it
    # answers, the other client's member stays as it was, and where it was.
    assert client.post(edit_url(case), data).status_code in (200, 302)
    untouched = HouseholdMember.objects.get(pk=stranger.pk)
    assert (untouched.full_name, untouched.client_id) == ("Asing", stranger.client_id)


@pytest.mark.parametrize("who", ["intake", "auditor", "other_counselor"])
def test_only_a_head_or_the_case_counselor_may_correct(client, office, who):
    case = office.assign(office.register())
    client.force_login(getattr(office, who))
    before = Client.objects.values().get(pk=case.client_id)
    for response in (
        client.get(edit_url(case)),
        client.post(edit_url(case), form_data(case.client, **{"client-full_name": "Diubah"})),
    ):
        assert response.status_code in (403, 404)
    assert Client.objects.values().get(pk=case.client_id) == before
    detail = client.get(reverse("cases:detail", args=[case.pk]))
    assert edit_url(case) not in detail.content.decode()


def test_the_counselor_of_a_closed_case_no_longer_corrects(client, office):
    case = office.to_closed(office.register())
    client.force_login(office.counselor)
    assert client.get(edit_url(case)).status_code == 403


def test_an_erased_client_cannot_be_corrected(client, office):
    case = office.to_closed(office.register())
    services.erase_client_personal_data(case.client, actor=office.head, reason="Permintaan klien.")
    in_english(client).force_login(office.head)
    client_row = Client.objects.get(pk=case.client_id)
    response = client.post(
        edit_url(case), form_data(client_row, **{"client-phone": "0812-3456-7890"})
    )
    assert response.status_code == 200
    assert "were erased" in response.content.decode()
    assert Client.objects.get(pk=case.client_id).phone == ""


def test_the_form_opens_with_the_client_and_the_household(client, office):
    case = office.register(full_name="Siti Aminah")
    HouseholdMember.objects.create(
        client=case.client,
        full_name="Dedi",
        relationship="child",
        birth_date=datetime.date(2012, 4, 1),
    )
    client.force_login(office.head)
    page = client.get(edit_url(case)).content.decode()
    assert "Siti Aminah" in page and 'value="Dedi"' in page
    assert 'name="version"' in page
