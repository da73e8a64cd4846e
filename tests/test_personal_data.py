"""Personal data in the audit log: encrypted per client, readable to auditors, erasable for good."""

import datetime
import threading
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation

from audit import personal
from audit.models import Action, AuditEvent, SubjectKey
from audit.personal import readable_changes_of, revealed_changes
from audit.sealing import seal_pending
from audit.services import record
from audit.verification import verify_chain
from auditor.selectors import readable_changes
from flows import services as flow_services
from letters.models import Letter
from lk3_flow import personal_data, services
from lk3_flow.models import Case, Client, HouseholdMember
from tests.audit_shapes import effects_of
from tests.factories import in_english, registration

pytestmark = pytest.mark.django_db

NAME = "Siti Aminah Binti Hasan"
NIK = "3602015203850001"
ADDRESS = "Jl. Multatuli Gang Kenari No. 7"
PHONE = "0812-7788-9900"
BIRTH_DATE = datetime.date(1985, 3, 12)
COMPLAINT = "Suami sering memukul sejak Lebaran."
WITHDRAWAL = "Klien pindah ke rumah kakaknya di Serang."
REASON = "Permintaan klien tertanggal 1 Desember 2026 (UU PDP Pasal 8)."
PERSONAL_VALUES = [NAME, NIK, ADDRESS, PHONE, "1985-03-12", COMPLAINT, WITHDRAWAL, "Kenari"]


def register(office, **case_data) -> Case:
    entry = registration(full_name=NAME, complaint=COMPLAINT, **case_data)
    entry.client_data |= {"nik": NIK, "address": ADDRESS, "phone": PHONE, "birth_date": BIRTH_DATE}
    entry.members = [{"full_name": "Ahmad Fauzi", "relationship": "child"}]
    return flow_services.start_case(actor=office.intake, registration=entry)


def withdrawn(office) -> Case:
    case = register(office)
    flow_services.withdraw_case(case, actor=office.head, reason=WITHDRAWAL)
    return Case.objects.select_related("client").get(pk=case.pk)


def raw_audit_text() -> str:
    """Every column of every audit row as the database holds it, whatever the code reads."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        return "\n".join(" ".join(str(value) for value in row) for row in cursor.fetchall())


def changes_of(event: AuditEvent | dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The readable changes of an event, or of an effect within one."""
    if isinstance(event, AuditEvent):
        object_type, changes = event.object_type, readable_changes_of(event)
    else:
        object_type, changes = event["object_type"], revealed_changes(event["details"])
    with translation.override("en"):
        return {c.label: (c.before, c.after) for c in readable_changes(object_type, changes)}


def client_created(client: Client) -> dict[str, Any]:
    """The registration's effect that created the client."""
    return next(
        effect
        for event in AuditEvent.objects.order_by("-pk")
        for effect in effects_of(event)
        if effect["action"] == Action.CLIENT_CREATED and effect["object_id"] == str(client.pk)
    )


def erasure_text(when: datetime.datetime) -> str:
    day = f"{timezone.localtime(when).day} {timezone.localtime(when):%B %Y}"
    return f"erased on {day} by Pimpinan, reason: {REASON}"


def test_registration_and_withdrawal_keep_no_personal_value_in_clear(office):
    case = withdrawn(office)
    text = raw_audit_text()
    assert AuditEvent.objects.filter(action=Action.CASE_CHANGED, case=case).exists()
    for value in PERSONAL_VALUES:
        assert value not in text, value
    assert case.number in text  # what is not personal stays readable to anyone with the table
    assert client_created(case.client)["label"] == f"K-{case.client.pk:06d}"


def test_the_auditor_reads_the_encrypted_values(client, office):
    case = withdrawn(office)
    assert changes_of(client_created(case.client))["full name"] == ("—", NAME)
    assert changes_of(client_created(case.client))["NIK"] == ("—", NIK)
    client.force_login(office.auditor)
    html = in_english(client).get(reverse("audit:timeline", args=[case.pk])).content.decode()
    assert COMPLAINT in html and WITHDRAWAL in html
    assert "ciphertext" not in html
    csv = client.get(reverse("audit:timeline_csv", args=[case.pk]))
    body = b"".join(csv.streaming_content).decode()
    assert COMPLAINT in body
    envelope = AuditEvent.objects.get(action=Action.CASE_CREATED, case=case).details["personal"]
    assert envelope["ciphertext"] not in body


def test_erasure_destroys_the_key_and_the_chain_still_verifies(client, office):
    case = withdrawn(office)
    letters = list(Letter.objects.filter(case=case).values_list("pk", "sha256"))
    assert letters  # intake issued its letters, which an erasure must leave as they are
    services.erase_client_personal_data(case.client, actor=office.head, reason=REASON)

    seal_pending()
    assert verify_chain() == (AuditEvent.objects.count(), None)
    key = SubjectKey.objects.get(subject=f"client:{case.client.pk}")
    assert key.wrapped_key is None and key.erased_by == office.head
    erased = erasure_text(key.erased_at)
    assert changes_of(client_created(case.client))["full name"] == ("—", erased)
    assert changes_of(client_created(case.client))["date of birth"] == ("—", erased)
    created = AuditEvent.objects.get(action=Action.CASE_CREATED, case=case)
    assert changes_of(created)["initial complaint"] == ("—", erased)
    assert changes_of(created)["case number"] == ("—", case.number)  # not personal: kept
    client.force_login(office.auditor)
    html = in_english(client).get(reverse("audit:timeline", args=[case.pk])).content.decode()
    assert erased in html and COMPLAINT not in html and WITHDRAWAL not in html

    event = AuditEvent.objects.get(action=Action.PERSONAL_DATA_ERASED)
    assert event.actor == office.head and event.details["reason"] == REASON
    assert event.object_id == str(case.client.pk) and event.case_id == case.pk
    assert event.details["case_ids"] == [case.pk]
    assert "Personal data erased" in html and REASON in html
    assert not [value for value in PERSONAL_VALUES if value in raw_audit_text()]
    row = Client.objects.get(pk=case.client.pk)
    assert (row.full_name, row.nik, row.address, row.phone, row.birth_date) == (
        f"K-{row.pk:06d}",
        "",
        "",
        "",
        None,
    )
    assert (
        row.kecamatan.name == "Rangkasbitung" and row.desa is None and row.sex
    )  # kept for the office's statistics
    assert not HouseholdMember.objects.filter(client=row).exists()
    assert Case.objects.values_list("number", "complaint", "withdrawal_reason").get(pk=case.pk) == (
        case.number,
        "",
        "",
    )
    assert list(Letter.objects.filter(case=case).values_list("pk", "sha256")) == letters


def test_a_second_erasure_is_refused_and_changes_nothing(office):
    case = withdrawn(office)
    services.erase_client_personal_data(case.client, actor=office.head, reason=REASON)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="already erased"):
        services.erase_client_personal_data(case.client, actor=office.head, reason="Lagi.")
    assert AuditEvent.objects.count() == events
    assert SubjectKey.objects.get(subject=f"client:{case.client.pk}").erasure_reason == REASON


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_erasure_needs_a_reason(office, reason):
    case = withdrawn(office)
    events = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(ValidationError, match="reason"):
        services.erase_client_personal_data(case.client, actor=office.head, reason=reason)
    assert AuditEvent.objects.count() == events
    assert Client.objects.get(pk=case.client.pk).full_name == NAME
    assert not personal.is_erased(f"client:{case.client.pk}")


def test_a_client_with_an_open_case_is_not_erased(office):
    case = register(office)
    with translation.override("en"), pytest.raises(ValidationError, match="open case"):
        services.erase_client_personal_data(case.client, actor=office.head, reason=REASON)
    assert Client.objects.get(pk=case.client.pk).nik == NIK
    assert changes_of(client_created(case.client))["NIK"] == ("—", NIK)


@pytest.mark.parametrize("role", ["intake", "counselor", "auditor"])
def test_only_the_head_or_the_administrator_may_erase(office, role):
    case = withdrawn(office)
    with pytest.raises(PermissionDenied):
        services.erase_client_personal_data(case.client, actor=getattr(office, role), reason=REASON)
    assert not personal.is_erased(f"client:{case.client.pk}")
    assert Client.objects.get(pk=case.client.pk).full_name == NAME


def test_the_administrator_may_erase(office):
    from tests.factories import make_user

    case = withdrawn(office)
    admin = make_user("pengelola", "administrator")
    services.erase_client_personal_data(case.client, actor=admin, reason=REASON)
    assert personal.is_erased(f"client:{case.client.pk}")


def test_an_erased_client_gets_no_new_record(office):
    case = withdrawn(office)
    services.erase_client_personal_data(case.client, actor=office.head, reason=REASON)
    with pytest.raises(ValidationError):
        personal.protect(f"client:{case.client.pk}", {"complaint": [None, "baru"]})


def test_events_from_before_encryption_are_masked_after_erasure(office):
    """Such events hold their values in clear and cannot change: readers stop showing them."""
    case = withdrawn(office)
    old_client = record(
        Action.CLIENT_CREATED, obj=case.client, details={"changes": {"full_name": [None, NAME]}}
    )
    old_case = record(
        Action.CASE_CREATED,
        case=case,
        obj=case,
        details={"changes": {"complaint": [None, COMPLAINT], "channel": [None, "walk_in"]}},
    )
    assert changes_of(old_client)["full name"] == ("—", NAME)
    services.erase_client_personal_data(case.client, actor=office.head, reason=REASON)
    erased = erasure_text(SubjectKey.objects.get(subject=f"client:{case.client.pk}").erased_at)
    assert changes_of(old_client)["full name"] == ("—", erased)
    assert changes_of(old_case)["initial complaint"] == ("—", erased)
    assert changes_of(old_case)["intake channel"] == ("—", "Walk-in")
    seal_pending()
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_the_command_erases_and_refuses_bad_input(office):
    case = withdrawn(office)
    with pytest.raises(CommandError, match="No client with id 999999"):
        call_command("erase_client", client_id=999999, reason=REASON, actor="pimpinan")
    with pytest.raises(CommandError, match="No active user"):
        call_command("erase_client", client_id=case.client.pk, reason=REASON, actor="nobody")
    with translation.override("en"), pytest.raises(CommandError, match="Only the head"):
        call_command("erase_client", client_id=case.client.pk, reason=REASON, actor="konselor")
    assert not AuditEvent.objects.filter(action=Action.PERSONAL_DATA_ERASED).exists()
    call_command("erase_client", client_id=case.client.pk, reason=REASON, actor="pimpinan")
    event = AuditEvent.objects.get(action=Action.PERSONAL_DATA_ERASED)
    assert event.actor == office.head and event.request_id


def test_the_page_names_no_one_and_needs_a_confirmed_reason(client, office):
    case = withdrawn(office)
    url = reverse("cases:erase_client", args=[case.client.pk])
    client.force_login(office.counselor)
    assert client.get(url).status_code == 403
    client.force_login(office.head)
    assert url in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    html = in_english(client).get(url).content.decode()
    assert case.number in html and NAME not in html
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 200 and "Tick the confirmation" in response.content.decode()
    assert not personal.is_erased(f"client:{case.client.pk}")
    response = client.post(url, {"reason": REASON, "confirm": "on"}, follow=True)
    assert "have been erased" in response.content.decode()
    assert personal.is_erased(f"client:{case.client.pk}")
    assert client.get(reverse("cases:erase_client", args=[999999])).status_code == 404


def test_the_key_is_wrapped_by_the_key_encryption_key(office, settings):
    case = register(office)
    subject = personal_data.subject(case.client.pk)
    envelope = AuditEvent.objects.get(action=Action.CASE_CREATED, case=case).details["personal"]
    settings.AUDIT_KEY_ENCRYPTION_KEY = "a-new-key-encryption-key-for-the-audit-log"
    assert personal.reveal(envelope)["complaint"] == [None, COMPLAINT]  # the old one still opens
    newer = personal.protect(f"{subject}:other", {"x": [None, "y"]})
    assert (
        SubjectKey.objects.get(pk=newer["key"]).kek_id
        != SubjectKey.objects.get(subject=subject).kek_id
    )
    settings.SECRET_KEY = "a-rotated-secret-key-without-fallbacks"
    with pytest.raises(ImproperlyConfigured, match="not configured"):
        personal.reveal(envelope)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_making_the_first_key_of_one_subject_share_it():
    inserted, release = threading.Event(), threading.Event()
    envelopes: dict[str, dict] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                envelopes["first"] = personal.protect("client:77", {"a": [None, "1"]})
                inserted.set()
                release.wait(30)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            with transaction.atomic():
                envelopes["second"] = personal.protect("client:77", {"b": [None, "2"]})
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    inserted.wait(30)
    threads[1].start()
    # Let the first commit only once the second waits on its uncommitted key row.
    with connection.cursor() as cursor:
        for _attempt in range(300):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
    release.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert envelopes["first"]["key"] == envelopes["second"]["key"]
    assert SubjectKey.objects.filter(subject="client:77").count() == 1
    assert personal.reveal(envelopes["second"]) == {"b": [None, "2"]}
