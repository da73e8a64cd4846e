"""Case notes and the contact log: who reads and adds them, what the audit log keeps, erasure."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from audit.personal import Erased, readable_changes_of
from casenotes import services as notes
from casenotes.models import CaseNote, ContactEntry, ContactKind
from casenotes.selectors import CASE_PAGE_ENTRIES
from flows import services as flow_services
from lk3_flow import services
from lk3_flow.choices import CaseStatus, NextStep
from lk3_flow.demo_data import CASES, CONTACTS, NOTES
from lk3_flow.fields import LOCAL_DATETIME_FORMAT, NARRATIVE_LENGTH
from lk3_flow.models import Case
from permissions.selectors import case_notes_readable_by
from permissions.services import grant_role
from tests.factories import in_english, make_user

pytestmark = pytest.mark.django_db

SECRET = "Klien mengaku pernah mencoba bunuh diri tahun lalu."
PLAIN = "Klien datang tepat waktu dan lebih tenang."
WITH_WHOM = "Ibu kandung klien"
SUMMARY = "Ibu klien bersedia mengantar klien ke sesi berikutnya."
ROLES = ["intake", "counselor", "other_counselor", "head", "auditor", "administrator"]


@pytest.fixture
def case(office) -> Case:
    return office.to_counseling(office.register(full_name="Klien Catatan"))


def as_user(user) -> Client:
    client = in_english(Client())
    client.force_login(user)
    return client


def notes_url(case: Case) -> str:
    return reverse("cases:notes", args=[case.pk])


def contacts_url(case: Case) -> str:
    return reverse("cases:contacts", args=[case.pk])


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(LOCAL_DATETIME_FORMAT)


def contact_post(**overrides: str) -> dict[str, str]:
    return {
        "kind": ContactKind.HOME_VISIT,
        "contacted_at": local(timezone.now() - datetime.timedelta(hours=2)),
        "with_whom": WITH_WHOM,
        "summary": SUMMARY,
        **overrides,
    }


def written() -> tuple[int, int, int]:
    """Notes, contacts and their audit events: what a refused request must leave as it was."""
    events = AuditEvent.objects.filter(action__in=[Action.NOTE_ADDED, Action.CONTACT_LOGGED])
    return CaseNote.objects.count(), ContactEntry.objects.count(), events.count()


def add_note(office, case: Case, text: str = PLAIN, confidential: bool = False) -> CaseNote:
    return notes.add_note(actor=office.counselor, case=case, text=text, confidential=confidential)


def log_contact(office, case: Case, **overrides) -> ContactEntry:
    return notes.log_contact(
        actor=overrides.pop("actor", office.counselor),
        case=case,
        **{
            "kind": ContactKind.PHONE,
            "contacted_at": timezone.now() - datetime.timedelta(days=1),
            "with_whom": WITH_WHOM,
            "summary": SUMMARY,
            **overrides,
        },
    )


def raw_audit_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        return "\n".join(" ".join(str(value) for value in row) for row in cursor.fetchall())


def page(user, url: str) -> str:
    response = as_user(user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# Adding and reading, role by role.


@pytest.mark.parametrize("role", ["counselor", "head"])
def test_the_counselor_and_the_heads_add_notes_and_contacts(office, case, role):
    user = getattr(office, role)
    client = as_user(user)
    response = client.post(notes_url(case), {"text": PLAIN})
    assert response.status_code == 302 and response.url == notes_url(case)
    response = client.post(contacts_url(case), contact_post())
    assert response.status_code == 302 and response.url == contacts_url(case)

    note = CaseNote.objects.get(case=case)
    assert (note.author, note.text, note.confidential) == (user, PLAIN, False)
    contact = ContactEntry.objects.get(case=case)
    assert (contact.author, contact.kind, contact.with_whom, contact.summary) == (
        user,
        ContactKind.HOME_VISIT,
        WITH_WHOM,
        SUMMARY,
    )
    html = page(user, reverse("cases:detail", args=[case.pk]))
    assert PLAIN in html and WITH_WHOM in html and SUMMARY in html and "Home visit" in html


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_and_who_adds(office, case, role):
    """Reading needs the whole case file; adding is the counselor's and the heads'."""
    add_note(office, case)
    log_contact(office, case)
    office.administrator = make_user("pengelola", "administrator", "Pengelola Sistem")
    client = as_user(getattr(office, role))
    reads = role in ("counselor", "head", "auditor")
    adds = role in ("counselor", "head")
    for url, data in [(notes_url(case), {"text": "Lagi."}), (contacts_url(case), contact_post())]:
        response = client.get(url)
        assert response.status_code == (200 if reads else 404), (role, url)
        if reads:
            html = response.content.decode()
            assert (PLAIN in html) or (SUMMARY in html)
            assert ('name="csrfmiddlewaretoken"' in html and 'id="tambah"' in html) == adds
        before = written()
        response = client.post(url, data)
        if adds:
            assert response.status_code == 302, (role, url)
            assert written() != before
        else:
            assert response.status_code == (403 if reads else 404), (role, url)
            assert written() == before


def test_the_intake_officer_sees_no_notes_on_the_case_page(office, case):
    add_note(office, case, text=SECRET, confidential=True)
    add_note(office, case)
    log_contact(office, case)
    html = page(office.intake, reverse("cases:detail", args=[case.pk]))
    assert "Notes and contacts" not in html
    assert PLAIN not in html and SECRET not in html and SUMMARY not in html


def test_a_closed_case_shows_its_notes_and_takes_no_more(office, case):
    add_note(office, case)
    case = office.review_closure(
        office.propose_closure(office.session(case, NextStep.PROPOSE_CLOSURE))
    )
    assert case.status == CaseStatus.CLOSED
    html = page(office.head, notes_url(case))
    assert PLAIN in html and "no longer open" in html and 'id="tambah"' not in html
    detail = page(office.head, reverse("cases:detail", args=[case.pk]))
    assert PLAIN in detail and "Add note" not in detail and "Record contact" not in detail
    before = written()
    response = as_user(office.head).post(notes_url(case), {"text": "Terlambat."})
    assert response.status_code == 200 and "no longer open" in response.content.decode()
    assert written() == before
    with pytest.raises(ValidationError):
        log_contact(office, case, actor=office.head)
    assert written() == before


def test_the_service_refuses_those_who_may_not_add(office, case):
    before = written()
    for user in (office.auditor, office.intake, office.other_counselor):
        with pytest.raises(PermissionDenied):
            notes.add_note(actor=user, case=case, text=PLAIN)
        with pytest.raises(PermissionDenied):
            log_contact(office, case, actor=user)
    assert written() == before


# Confidential notes.


def test_a_confidential_note_is_read_by_the_counselor_and_the_heads_only(office, case):
    add_note(office, case, text=SECRET, confidential=True)
    add_note(office, case)
    detail = reverse("cases:detail", args=[case.pk])
    for user in (office.counselor, office.head):
        assert SECRET in page(user, detail) and SECRET in page(user, notes_url(case))
    auditor_pages = page(office.auditor, detail) + page(office.auditor, notes_url(case))
    assert SECRET not in auditor_pages and PLAIN in auditor_pages
    for user in (office.intake, office.other_counselor):
        assert as_user(user).get(notes_url(case)).status_code == 404
    for user in (office.auditor, office.intake, office.other_counselor):
        assert list(case_notes_readable_by(user).filter(confidential=True)) == []
    assert case_notes_readable_by(office.head).filter(confidential=True).count() == 1


def test_the_former_counselor_loses_the_confidential_note_and_the_new_one_reads_it(office, case):
    note = add_note(office, case, text=SECRET, confidential=True)
    flow_services.reassign_case(
        case, actor=office.head, counselor=office.other_counselor, reason="Cuti panjang."
    )
    assert as_user(office.counselor).get(notes_url(case)).status_code == 404
    assert not case_notes_readable_by(office.counselor).filter(pk=note.pk).exists()
    assert SECRET in page(office.other_counselor, notes_url(case))
    # The former counselor adds nothing to a case that is no longer theirs.
    before = written()
    assert (
        as_user(office.counselor).post(notes_url(case), {"text": "Masih saya."}).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        notes.add_note(actor=office.counselor, case=case, text="Masih saya.")
    assert written() == before


def test_a_counselor_whose_role_was_taken_away_neither_adds_nor_reads_confidential(office, case):
    add_note(office, case, text=SECRET, confidential=True)
    add_note(office, case)
    office.counselor.groups.clear()
    former = type(office.counselor).objects.get(pk=office.counselor.pk)
    html = page(former, notes_url(case))  # the case file itself stays theirs, as before
    assert PLAIN in html and SECRET not in html and 'id="tambah"' not in html
    before = written()
    assert as_user(former).post(notes_url(case), {"text": "Masih saya."}).status_code == 403
    assert written() == before


def test_the_auditor_timeline_says_a_confidential_note_was_added_without_its_text(office, case):
    add_note(office, case, text=SECRET, confidential=True)
    add_note(office, case)
    log_contact(office, case, kind=ContactKind.HOME_VISIT)
    client = as_user(office.auditor)
    html = client.get(reverse("audit:timeline", args=[case.pk])).content.decode()
    assert "Case note added" in html and "withheld: a confidential note" in html
    assert SECRET not in html
    assert PLAIN in html  # a note that is not confidential reads as it was written
    assert "Contact recorded: Home visit" in html and WITH_WHOM in html and "with whom" in html
    response = client.get(reverse("audit:timeline_csv", args=[case.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    exported = "\n".join(",".join(row) for row in rows)
    assert SECRET not in exported and PLAIN in exported and SUMMARY in exported


def test_a_head_reading_the_timeline_reads_the_confidential_text(office, case):
    """The same rule everywhere: a head who is also an auditor may read the note anyway."""
    grant_role(office.head, "auditor")
    add_note(office, case, text=SECRET, confidential=True)
    html = page(office.head, reverse("audit:timeline", args=[case.pk]))
    assert SECRET in html and "withheld" not in html


# The audit log.


def test_the_texts_are_in_the_audit_log_only_encrypted(office, case):
    note = add_note(office, case, text=SECRET, confidential=True)
    contact = log_contact(office, case)
    raw = raw_audit_text()
    assert SECRET not in raw and WITH_WHOM not in raw and SUMMARY not in raw
    added = AuditEvent.objects.get(action=Action.NOTE_ADDED)
    assert (added.case_id, added.object_id, added.actor) == (
        case.pk,
        str(note.pk),
        office.counselor,
    )
    assert added.details["changes"] == {"confidential": [None, True]}
    assert readable_changes_of(added)["text"] == [None, SECRET]
    logged = AuditEvent.objects.get(action=Action.CONTACT_LOGGED)
    assert logged.object_id == str(contact.pk)
    assert logged.details["changes"]["kind"] == [None, ContactKind.PHONE]
    assert readable_changes_of(logged)["summary"] == [None, SUMMARY]
    assert readable_changes_of(logged)["with_whom"] == [None, WITH_WHOM]


# Erasure.

REASON = "Permintaan klien tertanggal 1 Desember 2026 (UU PDP Pasal 8)."


def closed_with_entries(office) -> Case:
    case = office.to_counseling(office.register(full_name="Klien Dihapus"))
    add_note(office, case, text=SECRET, confidential=True)
    log_contact(office, case)
    flow_services.withdraw_case(case, actor=office.head, reason="Klien pindah.")
    return Case.objects.select_related("client").get(pk=case.pk)


def test_erasure_blanks_the_texts_and_the_log_can_no_longer_read_them(office):
    case = closed_with_entries(office)
    services.erase_client_personal_data(case.client, actor=office.head, reason=REASON)
    note, contact = CaseNote.objects.get(case=case), ContactEntry.objects.get(case=case)
    assert (note.text, note.confidential) == ("", True)
    assert (contact.with_whom, contact.summary, contact.kind) == ("", "", ContactKind.PHONE)
    for action in (Action.NOTE_ADDED, Action.CONTACT_LOGGED):
        changes = readable_changes_of(AuditEvent.objects.get(action=action))
        assert SECRET not in str(changes) and SUMMARY not in str(changes)
        personal_fields = {"text"} if action == Action.NOTE_ADDED else {"with_whom", "summary"}
        for name in personal_fields:
            assert isinstance(changes[name][1], Erased), (action, name)
    html = page(office.head, reverse("cases:detail", args=[case.pk]))
    assert "Erased with the client's personal data." in html
    assert "personal data were erased" in html
    with pytest.raises(ValidationError):
        notes.add_note(actor=office.head, case=case, text="Baru.")


def test_an_erasure_that_fails_in_the_notes_erases_nothing(office, monkeypatch):
    case = closed_with_entries(office)

    def broken(*, case_ids: list[int]) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(notes, "erase_texts", broken)
    with pytest.raises(RuntimeError):
        services.erase_client_personal_data(case.client, actor=office.head, reason=REASON)
    assert CaseNote.objects.get(case=case).text == SECRET
    assert Case.objects.get(pk=case.pk).client.full_name == "Klien Dihapus"
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_DATA_ERASED).exists()


# Bad input.


BAD_CONTACTS = {
    "future date": {"contacted_at": "31/12/2099 10:00"},
    "year out of range": {"contacted_at": "01/01/0001 10:00"},
    "not a date": {"contacted_at": "kemarin sore"},
    "invalid kind": {"kind": "telegram"},
    "no kind": {"kind": ""},
    "over-long summary": {"summary": "x" * (NARRATIVE_LENGTH + 1)},
    "over-long with whom": {"with_whom": "x" * 201},
    "empty summary": {"summary": "   "},
}


@pytest.mark.parametrize("bad", BAD_CONTACTS.values(), ids=BAD_CONTACTS.keys())
def test_a_bad_contact_is_a_form_error_and_stores_nothing(office, case, bad):
    before = written()
    response = as_user(office.counselor).post(contacts_url(case), contact_post(**bad))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert written() == before


def test_a_contact_a_minute_ahead_is_refused_by_the_service_too(office, case):
    with pytest.raises(ValidationError) as caught:
        log_contact(office, case, contacted_at=timezone.now() + datetime.timedelta(minutes=5))
    assert "contacted_at" in caught.value.message_dict
    assert written() == (0, 0, 0)


@pytest.mark.parametrize("text", ["", "x" * (NARRATIVE_LENGTH + 1)], ids=["empty", "over-long"])
def test_a_bad_note_is_a_form_error_and_stores_nothing(office, case, text):
    response = as_user(office.counselor).post(notes_url(case), {"text": text})
    assert response.status_code == 200 and response.context["form"].errors
    assert written() == (0, 0, 0)


@pytest.mark.parametrize(
    "body",
    [b"text=a%00b", b"kind=%00&summary=Ada", b"text=" + b"%1B" * 10, b"with_whom=%7F"],
    ids=["NUL", "NUL kind", "escape", "DEL"],
)
def test_unstorable_characters_are_refused_and_change_nothing(office, case, body):
    client = as_user(office.counselor)
    for url in (notes_url(case), contacts_url(case)):
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in (200, 400), (url, response.status_code)
        assert written() == (0, 0, 0)


@pytest.mark.parametrize("body", [b"text=%ED%A0%80", b"text=%FF%FE&confidential=%C0%AF"])
def test_undecodable_bytes_are_read_as_replacement_characters(office, case, body):
    """As in every form of the site: bytes that are no UTF-8 read as U+FFFD, never as a 500."""
    response = as_user(office.counselor).post(
        notes_url(case), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert set(CaseNote.objects.get(case=case).text) == {"\ufffd"}


# The case page.


@pytest.mark.parametrize("role", ["counselor", "head", "auditor"])
def test_the_case_page_reads_the_same_queries_for_a_few_or_many_entries(office, case, role):
    client = as_user(getattr(office, role))
    url = reverse("cases:detail", args=[case.pk])
    add_note(office, case, text=SECRET, confidential=True)
    log_contact(office, case)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(10, 10 + 3 * CASE_PAGE_ENTRIES):
        add_note(office, case, text=f"Catatan {number}", confidential=number % 2 == 1)
        log_contact(office, case, summary=f"Kontak {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
    html = response.content.decode()
    # The newest few, newest first (confidential ones only to those who may read them), and
    # links to all of them.
    assert html.index("Catatan 24") < html.index("Catatan 22") and "Catatan 10" not in html
    assert ("Catatan 23" in html) == (role != "auditor")
    assert "Kontak 24" in html and "Kontak 10" not in html
    assert "All notes" in html and "Whole contact log" in html


def test_the_list_pages_are_paged_newest_first(office, case):
    for number in range(30):
        add_note(office, case, text=f"Catatan nomor {number:02d}")
    first = page(office.head, notes_url(case))
    assert "Catatan nomor 29" in first and "Catatan nomor 04" not in first
    second = page(office.head, notes_url(case) + "?page=2")
    assert "Catatan nomor 04" in second and "Catatan nomor 29" not in second
    assert "Catatan nomor 29" in page(office.head, notes_url(case) + "?page=bukan-angka")


def test_entries_are_never_changed_after_the_fact(office, case):
    """No page edits or deletes one, the admin holds none, and the pages say how to correct."""
    add_note(office, case)
    assert CaseNote not in admin.site._registry and ContactEntry not in admin.site._registry
    html = page(office.counselor, notes_url(case))
    assert "nobody can change or delete them afterwards" in html
    assert "add a new one" in html


# The demo office.


def test_the_demo_entries_belong_to_open_demo_cases_and_use_the_vocabulary():
    stages = {demo.client_name: demo.stage for demo in CASES}
    not_open = {"assign_counselor", "closed", "withdrawn", "reopened"}
    for entry in (*NOTES, *CONTACTS):
        assert stages.get(entry.client_name) not in (None, *not_open), entry.client_name
    assert {contact.kind for contact in CONTACTS} <= set(ContactKind.values)
    assert any(note.confidential for note in NOTES)
    assert all(contact.days_ago > 0 for contact in CONTACTS)  # none in the future


def test_the_timeline_reads_the_contact_time_as_people_write_it(office, case):
    moment = timezone.make_aware(datetime.datetime(2026, 11, 25, 15, 22))
    log_contact(office, case, contacted_at=moment)
    html = page(office.auditor, reverse("audit:timeline", args=[case.pk]))
    assert "25 November 2026 15:22" in html
    assert "2026-11-25" not in html
