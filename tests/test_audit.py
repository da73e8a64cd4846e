"""The audit log: every kind of event, append-only at the database, tamper-evident, readable."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit import services as audit_services
from audit import triggers
from audit import verification as audit_verification
from audit.models import Action, AuditEvent, ChainHead
from audit.personal import readable_changes_of
from audit.sealing import seal_pending
from audit.services import record
from audit.verification import ChainProblem, checkpoint, verify_chain
from flows import services as flow_services
from letters.models import Letter, LetterKind
from tests.audit_shapes import actions_in, effects_of, the_effect
from tests.factories import PASSWORD, Office

pytestmark = pytest.mark.django_db


def actions_of(case) -> list[str]:
    """Every action on the case, whether an event of its own or an effect of one."""
    return actions_in(case=case)


def the_event(action: str, **filters):
    return AuditEvent.objects.filter(action=action, **filters).latest("pk")


def test_each_kind_of_event_is_recorded_with_actor_and_role(client, office, full_case):
    case = full_case
    created = the_event(Action.CASE_CREATED, case=case)
    assert created.actor == office.intake and created.actor_role == "Petugas Registrasi"
    assert readable_changes_of(created)["complaint"][1] == case.complaint  # encrypted, decrypted
    registration, client_created = the_effect(Action.CLIENT_CREATED)
    assert registration.actor == office.intake and registration.action == Action.CASE_CREATED
    assert "actor_id" not in client_created  # the registration's own actor

    assignment, granted = the_effect(Action.PERMISSION_GRANTED, case=case)
    assert assignment.actor == office.head and assignment.actor_role == "Pimpinan"
    assert assignment.details["step"] == "assign_counselor"
    assert granted["details"]["user_id"] == office.counselor.pk

    assessment_done = AuditEvent.objects.filter(
        case=case, action=Action.TASK_COMPLETED, details__step="assessment"
    ).get()
    assert assessment_done.actor == office.counselor and assessment_done.actor_role == "Konselor"
    # The head's step is told by what it came to: a return, with the comment.
    returned = the_event(Action.TASK_RETURNED, case=case)
    assert returned.details["comment"] == "Ganti." and returned.actor == office.head
    assert returned.details["step"] == "approve_referral"

    stage_change = next(
        effect
        for effect in effects_of(assignment)
        if effect["action"] == Action.CASE_CHANGED and "counselor" in effect["details"]["changes"]
    )
    assert stage_change["details"]["changes"]["counselor"][0] is None
    for action in [Action.TASK_CREATED, Action.TASK_ASSIGNED, Action.LETTER_ISSUED]:
        assert action in actions_of(case)

    flow_services.reassign_case(
        case.reopenings.first() or office.assign(office.register(full_name="Kasus Lain")),
        actor=office.head,
        counselor=office.other_counselor,
        reason="Cuti.",
    )
    reassignment, moved = the_effect(Action.TASK_REASSIGNED)
    assert reassignment.actor == office.head and reassignment.details["reason"] == "Cuti."
    assert moved["details"]["owner_id"] == office.other_counselor.pk
    _, revoked = the_effect(Action.PERMISSION_REVOKED)
    assert revoked["details"]["user_id"] == office.counselor.pk

    withdrawn_case = office.register(full_name="Ditarik")
    flow_services.withdraw_case(withdrawn_case, actor=office.head, reason="Pindah.")
    assert Action.TASK_CANCELLED in actions_of(withdrawn_case)

    client.force_login(office.head)
    client.get(reverse("cases:detail", args=[case.pk]))
    assert the_event(Action.CASE_VIEWED, case=case).actor == office.head
    letter = Letter.objects.filter(case=case, kind=LetterKind.REFERRAL).first()
    client.get(reverse("letter_download", args=[letter.pk]))
    downloaded = the_event(Action.LETTER_DOWNLOADED)
    assert downloaded.actor == office.head and downloaded.ip_address == "127.0.0.1"
    assert downloaded.request_id
    client.post(
        reverse("letter_correct", args=[letter.pk]), {"reason": "Salah ketik.", "confirm": "on"}
    )
    assert the_event(Action.LETTER_REVOKED).details["reason"] == "Salah ketik."
    # Anonymous checks are tallied per day (tests/test_public_limits.py), not chained.
    chained = AuditEvent.objects.count()
    Client().get(reverse("verify_letter", args=[letter.token]))
    assert AuditEvent.objects.count() == chained


def test_logins_logouts_and_failed_logins(office):
    browser = Client()
    browser.post(reverse("login"), {"username": "konselor", "password": "salah"})
    failed = the_event(Action.LOGIN_FAILED)
    assert failed.actor is None and failed.actor_name == "konselor"
    browser.post(reverse("login"), {"username": "konselor", "password": PASSWORD})
    assert the_event(Action.LOGGED_IN).actor == office.counselor
    browser.post(reverse("logout"))
    assert the_event(Action.LOGGED_OUT).actor == office.counselor


def _raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


# A change to the content of the event sealed at position {p}.
EVENT_AT = (
    "UPDATE audit_auditevent SET {change} "
    "WHERE id = (SELECT event_id FROM audit_auditseal WHERE position = {{p}})"
)


def _tampered(tamper: str) -> None:
    triggers.remove(connection)
    try:
        _raw(tamper)
    finally:
        triggers.install(connection)


def test_database_refuses_update_and_delete(office):
    office.register()
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError):
        _raw("UPDATE audit_auditevent SET action = 'case_viewed'")
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM audit_auditevent")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=AuditEvent.objects.first().pk).update(actor_name="x")
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(actor_name="x").exists()


def test_verify_audit_accepts_an_intact_chain_and_checkpoint_prints_the_head(office):
    office.assign(office.register())
    seal_pending()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    head = ChainHead.objects.get(pk=1)
    assert f"{head.count} events" in out.getvalue()
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert f"head: {head.hash}" in out.getvalue()
    assert f"events: {head.count}" in out.getvalue()
    assert checkpoint().head == AuditEvent.objects.latest("pk").seal.hash


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (EVENT_AT.format(change="actor_name = 'Orang Lain'"), "content"),
        ("DELETE FROM audit_auditseal WHERE position = {p}", "missing"),
    ],
)
def test_tampering_with_triggers_dropped_is_caught_at_the_right_event(office, tamper, reason):
    office.assign(office.register())
    seal_pending()
    target = AuditEvent.objects.count() // 2
    _tampered(tamper.format(p=target))
    checked, problem = verify_chain()
    assert problem.position == target and problem.reason == reason
    assert checked == target - 1
    with pytest.raises(CommandError, match=f"event #{target} "):
        call_command("verify_audit")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("tamper", "at", "reason"),
    [
        (EVENT_AT.format(change="actor_name = 'Orang Lain'"), 0, "content"),
        ("UPDATE audit_auditseal SET previous_hash = hash WHERE position = {p}", 0, "link"),
        ("DELETE FROM audit_auditseal WHERE position = {p}", 0, "missing"),
        ("DELETE FROM audit_auditseal WHERE position = {p}", -1, "missing"),
        (EVENT_AT.format(change="object_label = 'x'"), 2, "content"),
    ],
)
def test_stretches_checked_side_by_side_find_what_a_walk_alone_finds(
    monkeypatch, tamper, at, reason
):
    office = Office()
    office.assign(office.register())
    seal_pending()
    total = AuditEvent.objects.count()
    monkeypatch.setattr(audit_verification, "MIN_STRETCH", 2)
    assert verify_chain(workers=3) == (total, None)
    second_stretch = -(-total // 3) + 1
    target = second_stretch + at
    _tampered(tamper.format(p=target))
    expected = (target - 1, ChainProblem(target, reason))
    assert verify_chain(workers=3) == expected
    assert verify_chain(workers=1) == expected


def test_an_empty_log_verifies(db):
    assert not AuditEvent.objects.exists()
    assert verify_chain(workers=2) == (0, None)


def test_times_without_a_fraction_of_a_second_verify(office, monkeypatch):
    on_the_second = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(audit_services.timezone, "now", lambda: on_the_second)
    event = record(Action.EXPORTED, details={"format": "csv"})
    assert AuditEvent.objects.get(pk=event.pk).occurred_at == on_the_second
    seal_pending()
    assert verify_chain() == (AuditEvent.objects.get(pk=event.pk).seal.position, None)
