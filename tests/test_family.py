"""The family model: the household's card number, its members' NIKs and relationships, and the
person of the household a session, a referral or a letter is about."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit import personal
from audit.models import Action, AuditEvent
from audit.personal import readable_changes_of, revealed_changes
from flows import forms
from flows import services as flow_services
from letters.models import Letter, LetterKind
from lk3_flow import services
from lk3_flow.choices import ClientKind, NextStep, Relationship, Sex
from lk3_flow.demo_data import CASES
from lk3_flow.models import Case, Client, CounselingSession, HouseholdMember, Referral
from lk3_flow.nik import check_nik_against_person, validate_family_card_number
from lk3_flow.selectors import age_on
from tests.factories import in_english, registration, session_data
from tests.pdf import extract_text, letter_bytes
from tests.test_audit_actions import open_task, session_post, task_url
from tests.test_client_edit import edit_url, form_data
from tests.test_personal_data import client_created

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("lk3_flow.migrations.0012_family_model")

FAMILY_CARD = "3602011203100045"  # Rangkasbitung, issued 12 March 2010
SON_NIK = "3602010104120003"  # a boy born 1 April 2012
SON_BIRTH = datetime.date(2012, 4, 1)
WIFE_NIK = "3602015901880002"  # a woman born 19 January 1988


def family(office, *, members=None, **client_data) -> Case:
    """A family registered with its card and household: the client, his wife and their son."""
    base = registration(full_name="Yayat Supriatna")
    base.client_data |= {
        "kind": ClientKind.FAMILY,
        "sex": Sex.MALE,
        "birth_date": datetime.date(1978, 9, 2),
        "family_card_number": FAMILY_CARD,
        **client_data,
    }
    base.members = (
        members
        if members is not None
        else [
            {
                "full_name": "Enok Rohaeti",
                "relationship": Relationship.WIFE,
                "nik": WIFE_NIK,
                "sex": Sex.FEMALE,
                "birth_date": datetime.date(1988, 1, 19),
            },
            {
                "full_name": "Rizky Maulana",
                "relationship": Relationship.CHILD,
                "nik": SON_NIK,
                "sex": Sex.MALE,
                "birth_date": SON_BIRTH,
            },
        ]
    )
    return flow_services.start_case(actor=office.intake, registration=base)


def member(case: Case, full_name: str) -> HouseholdMember:
    return HouseholdMember.objects.get(client_id=case.client_id, full_name=full_name)


def letter_text(case: Case, kind: str) -> tuple[Letter, str]:
    letter = Letter.objects.filter(case=case, kind=kind).latest("pk")
    return letter, extract_text(letter_bytes(letter))


# The family card number.


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("360201120310004", "nik_format"),  # 15 digits
        ("9902011203100045", "nik_province"),
        ("3602001203100045", "nik_region"),
        ("3602015203100045", "nik_birth_date"),  # day 52: a card has no woman's offset
        ("3602013102100045", "nik_birth_date"),  # 31 February
        ("3602011203100000", "nik_serial"),
    ],
)
def test_a_malformed_family_card_number_is_refused(number, code):
    with pytest.raises(ValidationError) as refused:
        validate_family_card_number(number)
    assert refused.value.code == code


def test_a_family_card_number_is_read_as_people_write_it():
    with translation.override("en"):
        typed = forms.ClientForm(
            {
                "client-kind": "family",
                "client-full_name": "Yayat",
                "client-family_card_number": "3602 0112 0310 0045",
            },
            prefix="client",
        )
        assert typed.is_valid(), typed.errors
        assert typed.cleaned_data["family_card_number"] == FAMILY_CARD
        wrong = forms.ClientForm(
            {
                "client-kind": "family",
                "client-full_name": "Yayat",
                "client-family_card_number": "3602 0112",
            },
            prefix="client",
        )
        assert not wrong.is_valid()
        assert wrong.errors["family_card_number"] == [
            "A family card number (No. KK) must consist of 16 digits."
        ]


# Members: NIK and relationship.


def member_form(**data: str) -> forms.HouseholdMemberForm:
    return forms.HouseholdMemberForm({"full_name": "Rizky", "relationship": "child", **data})


def test_a_member_nik_is_validated_like_the_clients():
    with translation.override("en"):
        assert member_form(nik=SON_NIK, sex="male", birth_date="01/04/2012").is_valid()
        malformed = member_form(nik="3602010104120000")
        assert not malformed.is_valid() and "serial number" in str(malformed.errors["nik"])
        contradicted = member_form(nik=SON_NIK, sex="female", birth_date="02/04/2012")
        assert not contradicted.is_valid()
        assert len(contradicted.errors["nik"]) == 2


def test_a_relationship_outside_the_family_card_list_is_refused():
    form = member_form(relationship="Anak kandung")
    assert not form.is_valid() and "relationship" in form.errors


def test_two_members_with_one_nik_are_refused_in_the_form():
    data = {
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-0-full_name": "Rizky",
        "members-0-relationship": "child",
        "members-0-nik": SON_NIK,
        "members-1-full_name": "Rizal",
        "members-1-relationship": "child",
        "members-1-nik": "3602.0101.0412.0003",  # the same number, written for reading
    }
    with translation.override("en"):
        formset = forms.HouseholdMemberFormSet(data, prefix="members")
        assert not formset.is_valid()
        assert formset.forms[0].errors == {}
        assert formset.forms[1].errors["nik"] == ["Another household member has this NIK."]


def test_a_member_cannot_have_another_clients_nik(office):
    other = family(office, members=[], full_name="Klien Lain", nik=SON_NIK, sex=Sex.MALE)
    assert other.client.nik == SON_NIK
    clients = Client.objects.count()
    with translation.override("en"), pytest.raises(ValidationError, match="another client"):
        family(office)
    # Nothing of the refused registration stays: no client, no member, no case.
    assert Client.objects.count() == clients
    assert not HouseholdMember.objects.filter(nik=SON_NIK).exists()


def test_a_member_cannot_have_the_clients_own_nik(office):
    with translation.override("en"), pytest.raises(ValidationError, match="own NIK"):
        family(
            office,
            members=[
                {"full_name": "Enok", "relationship": Relationship.WIFE, "nik": "3602010209780001"}
            ],
            nik="3602010209780001",
        )


def test_a_correction_giving_a_member_anothers_nik_changes_nothing(client, office):
    case = office.assign(family(office))
    wife = member(case, "Enok Rohaeti")
    in_english(client).force_login(office.counselor)
    new_son = {
        "members-2-full_name": "Rizal",
        "members-2-relationship": "child",
        "members-2-nik": SON_NIK,
        "members-2-sex": "male",
        "client-phone": "0812-0000-1111",
    }
    response = client.post(edit_url(case), form_data(case.client, **new_son))
    assert response.status_code == 200
    assert "Another household member has this NIK" in response.content.decode()
    # The form stops it; the service refuses it too when two members swap in one NIK.
    with translation.override("en"), pytest.raises(ValidationError, match="cannot both have"):
        services.update_client(
            actor=office.counselor,
            case=case,
            client_data={},
            member_edits=[services.MemberEdit(member=wife, data={"nik": SON_NIK})],
            version=services.client_version(case.client),
        )
    wife.refresh_from_db()
    assert wife.nik == WIFE_NIK
    assert not HouseholdMember.objects.filter(full_name="Rizal").exists()
    assert Client.objects.get(pk=case.client_id).phone == ""


def test_a_correction_records_the_card_and_the_household_encrypted(client, office):
    case = office.assign(family(office))
    in_english(client).force_login(office.counselor)
    new_card = "3602011504200012"
    data = form_data(
        case.client,
        **{
            "client-family_card_number": new_card,
            "members-1-relationship_note": "anak kandung",
            "members-2-full_name": "Salsabila Putri",
            "members-2-relationship": "child",
            "members-2-nik": "3602016102150002",
            "members-2-sex": "female",
        },
    )
    assert client.post(edit_url(case), data).status_code == 302
    [event] = AuditEvent.objects.filter(action=Action.CLIENT_CHANGED)
    assert FAMILY_CARD not in str(event.details) and new_card not in str(event.details)
    assert "3602016102150002" not in str(event.details) and "Salsabila" not in str(event.details)
    changes = readable_changes_of(event)
    assert changes["family_card_number"] == [FAMILY_CARD, new_card]
    before, after = changes["members"]
    assert before[1] == f"Rizky Maulana · Child · NIK {SON_NIK} · Male · 1 April 2012"
    assert after[1].startswith("Rizky Maulana · Child (anak kandung) · NIK")
    assert after[2] == "Salsabila Putri · Child · NIK 3602016102150002 · Female"


def test_registration_records_the_household_encrypted(office):
    with translation.override("en"):
        case = family(office)
    created = client_created(case.client)
    assert SON_NIK not in str(created) and FAMILY_CARD not in str(created)
    changes = revealed_changes(created["details"])
    assert changes["family_card_number"] == [None, FAMILY_CARD]
    assert changes["members"][1] == [
        f"Enok Rohaeti · Wife · NIK {WIFE_NIK} · Female · 19 January 1988",
        f"Rizky Maulana · Child · NIK {SON_NIK} · Male · 1 April 2012",
    ]


# The migration's mapping of free-text relationships.


@pytest.mark.parametrize(
    ("typed", "code", "note"),
    [
        ("Anak", "child", ""),
        ("ANAK", "child", ""),
        ("Orang-tua", "parent", ""),
        ("anak kandung", "child", "anak kandung"),
        ("Anak ke-2", "child", "Anak ke-2"),
        ("Son", "child", "Son"),
        ("istri", "wife", ""),
        ("Wife", "wife", "Wife"),
        ("Suami", "husband", ""),
        ("Kepala Keluarga", "head_of_family", ""),
        ("Ibu Mertua", "parent_in_law", "Ibu Mertua"),
        ("mother-in-law", "parent_in_law", "mother-in-law"),
        ("Ibu", "parent", "Ibu"),
        ("Menantu", "child_in_law", ""),
        ("Cucu", "grandchild", ""),
        ("keponakan", "other_relative", "keponakan"),
        ("Adik ipar", "other_relative", "Adik ipar"),
        ("pembantu rumah tangga", "other", "pembantu rumah tangga"),
        ("", "other", ""),
    ],
)
def test_the_migration_maps_free_text_onto_the_family_card_list(typed, code, note):
    assert MIGRATION.relationship_from_text(typed) == (code, note)
    assert code in Relationship.values


def test_the_migration_maps_rows_and_maps_them_back(office):
    case = office.register()
    typed = ["Anak", "Ibu Mertua", "pembantu"]
    for text in typed:
        HouseholdMember.objects.create(client=case.client, full_name=text, relationship=text)
    MIGRATION.map_relationships(apps, None)
    mapped = list(
        case.client.members.order_by("pk").values_list("relationship", "relationship_note")
    )
    assert mapped == [("child", ""), ("parent_in_law", "Ibu Mertua"), ("other", "pembantu")]
    MIGRATION.restore_relationships(apps, None)
    restored = list(case.client.members.order_by("pk").values_list("relationship", flat=True))
    assert restored == ["anak", "Ibu Mertua", "pembantu"]


# The person concerned.


def counseling_family(office) -> Case:
    return office.to_counseling(family(office))


def test_a_session_about_the_son_and_its_invitation_name_him(client, office):
    case = counseling_family(office)
    son = member(case, "Rizky Maulana")
    task = open_task(case)
    in_english(client).force_login(office.counselor)
    response = client.get(task_url(task))
    choices = [
        label for _value, label in response.context["form"].fields["person_concerned"].choices
    ]
    age_today = age_on(SON_BIRTH, timezone.localdate())
    assert choices == [
        "The client: Yayat Supriatna",
        f"Enok Rohaeti · Wife · {age_on(datetime.date(1988, 1, 19), timezone.localdate())} years",
        f"Rizky Maulana · Child · {age_today} years",
    ]
    response = client.post(task_url(task), session_post() | {"person_concerned": str(son.pk)})
    assert response.status_code == 302
    session = CounselingSession.objects.get(case=case)
    assert session.person_concerned == son

    letter, text = letter_text(case, LetterKind.COUNSELING_INVITATION)
    age = age_on(SON_BIRTH, letter.issued_on)
    assert "Yth. Orang Tua/Wali dari Rizky Maulana" in text
    assert f"1 April 2012 (umur {age} tahun)" in text
    assert "Hubungan dengan klien : Anak" in text

    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Person concerned:</span> Rizky Maulana (Child, 1 April 2012)" in detail


def test_an_invitation_for_the_client_is_addressed_to_the_client(client, office):
    case = counseling_family(office)
    client.force_login(office.counselor)
    assert client.post(task_url(open_task(case)), session_post()).status_code == 302
    assert CounselingSession.objects.get(case=case).person_concerned is None
    _letter, text = letter_text(case, LetterKind.COUNSELING_INVITATION)
    assert "Yth. Yayat Supriatna" in text and "Hubungan dengan klien" not in text


def test_a_member_of_another_clients_household_is_refused(client, office):
    case = counseling_family(office)
    stranger = HouseholdMember.objects.create(
        client=office.register(full_name="Klien Lain").client,
        full_name="Anak Orang Lain",
        relationship=Relationship.CHILD,
    )
    in_english(client).force_login(office.counselor)
    response = client.post(
        task_url(open_task(case)), session_post() | {"person_concerned": str(stranger.pk)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["person_concerned"] == [
        "Choose the client or a member of the client's household."
    ]
    for forged in ("0", "abc", "1 OR 1=1", "\x00"):
        response = client.post(
            task_url(open_task(case)), session_post() | {"person_concerned": forged}
        )
        assert response.status_code == 200
    assert not CounselingSession.objects.filter(case=case).exists()
    assert not Letter.objects.filter(case=case, kind=LetterKind.COUNSELING_INVITATION).exists()


def test_the_services_refuse_a_member_of_another_household(office):
    case = counseling_family(office)
    stranger = HouseholdMember.objects.create(
        client=office.register(full_name="Klien Lain").client,
        full_name="Anak Orang Lain",
        relationship=Relationship.CHILD,
    )
    with pytest.raises(ValidationError) as refused:
        services.propose_referral(
            case=case,
            counselor=office.counselor,
            partner=office.partner,
            reason="Pendampingan.",
            services_requested=["accompaniment"],
            person_concerned=stranger,
        )
    assert "person_concerned" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.record_session(
            case=case,
            counselor=office.counselor,
            data={**session_data(), "person_concerned": stranger},
        )
    assert not Referral.objects.filter(case=case).exists()
    assert not CounselingSession.objects.filter(case=case).exists()


def refer_the_son(office) -> Case:
    case = office.session(counseling_family(office), NextStep.PROPOSE_REFERRAL)
    son = member(case, "Rizky Maulana")
    case = office.step(
        case,
        "propose_referral",
        office.counselor,
        lambda c: services.propose_referral(
            case=c,
            counselor=office.counselor,
            partner=office.partner,
            reason="Konseling remaja dan pendampingan kembali ke sekolah.",
            services_requested=["counseling"],
            person_concerned=son,
        ),
    )
    return office.review_referral(case)


def test_the_referral_letter_names_the_son_not_his_father(client, office):
    case = refer_the_son(office)
    letter, text = letter_text(case, LetterKind.REFERRAL)
    age = age_on(SON_BIRTH, letter.issued_on)
    assert "merujuk anggota keluarga klien" in text
    assert "Nama : Rizky Maulana" in text and f"NIK : {SON_NIK}" in text
    assert f"(umur {age} tahun)" in text and "Hubungan dengan klien : Anak" in text
    assert "Yayat" not in text

    in_english(client).force_login(office.counselor)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Person concerned</dt><dd>Rizky Maulana (Child, 1 April 2012)" in detail


def test_a_member_a_referral_is_about_is_not_removed_by_a_correction(client, office):
    case = refer_the_son(office)
    son = member(case, "Rizky Maulana")
    in_english(client).force_login(office.head)
    response = client.post(edit_url(case), form_data(case.client, **{"members-1-DELETE": "on"}))
    assert response.status_code == 200
    assert "Rizky Maulana cannot be removed" in response.content.decode()
    assert HouseholdMember.objects.filter(pk=son.pk).exists()


def test_the_case_page_reads_the_persons_concerned_in_fixed_queries(client, office):
    case = counseling_family(office)
    son = member(case, "Rizky Maulana")
    client.force_login(office.counselor)
    url = reverse("cases:detail", args=[case.pk])
    case = office.session(case)
    CounselingSession.objects.filter(case=case).update(person_concerned=son)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        case = office.session(case)
    CounselingSession.objects.filter(case=case).update(person_concerned=son)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


# Erasure.


def test_erasure_removes_the_card_the_niks_and_the_household(office):
    case = refer_the_son(office)
    son = member(case, "Rizky Maulana")
    wife = member(case, "Enok Rohaeti")
    case = office.partner_response(case, "completed")
    case = office.review_closure(office.propose_closure(office.session(case, "propose_closure")))
    services.erase_client_personal_data(case.client, actor=office.head, reason="Permintaan.")

    client_row = Client.objects.get(pk=case.client_id)
    assert client_row.family_card_number == "" and client_row.nik == ""
    assert not HouseholdMember.objects.filter(pk=wife.pk).exists()
    # The referral still says it was about the client's son, without saying who he is.
    son.refresh_from_db()
    assert (son.relationship, son.sex) == (Relationship.CHILD, Sex.MALE)
    assert (son.nik, son.birth_date) == ("", None)
    assert "Rizky" not in son.full_name
    assert Referral.objects.get(case=case).person_concerned == son
    assert personal.is_erased(f"client:{case.client_id}")
    assert SON_NIK not in str(revealed_changes(client_created(case.client)["details"]))


# The demo office.


def test_the_demo_households_are_families_on_a_card():
    concerned_sessions = concerned_referrals = 0
    for demo in CASES:
        if demo.family_card_number:
            validate_family_card_number(demo.family_card_number)
        names = {member.full_name: member for member in demo.members}
        for member_ in demo.members:
            assert member_.relationship in Relationship.values
            if member_.nik:
                assert check_nik_against_person(member_.nik, member_.sex, member_.birth_date) == []
        for name in (*demo.session_concerned, demo.referral_concerned):
            assert name == "" or name in names
        concerned_sessions += any(demo.session_concerned)
        concerned_referrals += bool(demo.referral_concerned)
    assert sum(bool(demo.family_card_number) for demo in CASES) >= 3
    assert concerned_sessions >= 1 and concerned_referrals >= 1
    children = [
        names
        for demo in CASES
        if demo.referral_concerned
        for names in demo.members
        if names.full_name == demo.referral_concerned
    ]
    assert children and all(child.relationship == Relationship.CHILD for child in children)
