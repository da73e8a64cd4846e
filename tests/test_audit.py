"""The audit log: every kind of event, append-only at the database, tamper-evident, readable."""

import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import selectors as audit_selectors
from audit import services as audit_services
from audit import triggers
from audit.models import Action, AuditEvent, ChainHead
from audit.selectors import ChainProblem, checkpoint, verify_chain
from audit.services import record
from flows import services as flow_services
from letters.models import Letter, LetterKind
from lk3_flow.choices import NextStep, ReferralStatus
from tests.factories import PASSWORD, Office

pytestmark = pytest.mark.django_db


def actions_of(case) -> list[str]:
    return list(AuditEvent.objects.filter(case=case).values_list("action", flat=True))


def the_event(action: str, **filters):
    return AuditEvent.objects.filter(action=action, **filters).latest("position")


@pytest.fixture
def full_case(office):
    case = office.to_counseling(office.register(full_name="Rina Marlina"))
    case = office.session(case, NextStep.PROPOSE_REFERRAL)
    case = office.review_referral(office.propose_referral(case), approved=False, comment="Ganti.")
    case = office.session(case, NextStep.PROPOSE_REFERRAL)
    case = office.partner_response(
        office.review_referral(office.propose_referral(case)), ReferralStatus.ACCEPTED
    )
    case = office.session(case, NextStep.PROPOSE_CLOSURE)
    return office.review_closure(office.propose_closure(case))


def test_each_kind_of_event_is_recorded_with_actor_and_role(client, office, full_case):
    case = full_case
    created = the_event(Action.CASE_CREATED, case=case)
    assert created.actor == office.intake and created.actor_role == "Petugas Registrasi"
    assert created.details["changes"]["complaint"][1] == case.complaint
    assert the_event(Action.CLIENT_CREATED).actor == office.intake

    granted = the_event(Action.PERMISSION_GRANTED, case=case)
    assert granted.actor == office.head and granted.actor_role == "Pimpinan"
    assert granted.details["user_id"] == office.counselor.pk

    assessment_done = AuditEvent.objects.filter(
        case=case, action=Action.TASK_COMPLETED, details__step="assessment"
    ).get()
    assert assessment_done.actor == office.counselor and assessment_done.actor_role == "Konselor"
    returned = the_event(Action.TASK_RETURNED, case=case)
    assert returned.details["comment"] == "Ganti." and returned.actor == office.head

    stage_change = AuditEvent.objects.filter(
        case=case, action=Action.CASE_CHANGED, details__changes__has_key="counselor"
    ).first()
    assert stage_change.details["changes"]["counselor"][0] is None
    for action in [Action.TASK_CREATED, Action.TASK_ASSIGNED, Action.LETTER_ISSUED]:
        assert action in actions_of(case)

    flow_services.reassign_case(
        case.reopenings.first() or office.assign(office.register(full_name="Kasus Lain")),
        actor=office.head,
        counselor=office.other_counselor,
        reason="Cuti.",
    )
    moved = the_event(Action.TASK_REASSIGNED)
    assert moved.actor == office.head and moved.details["owner_id"] == office.other_counselor.pk
    assert the_event(Action.PERMISSION_REVOKED).details["user_id"] == office.counselor.pk

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
        AuditEvent.objects.filter(position=1).update(actor_name="x")
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(actor_name="x").exists()


def test_verify_audit_accepts_an_intact_chain_and_checkpoint_prints_the_head(office):
    office.assign(office.register())
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    head = ChainHead.objects.get(pk=1)
    assert f"{head.count} events" in out.getvalue()
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert f"head: {head.hash}" in out.getvalue()
    assert f"events: {head.count}" in out.getvalue()
    assert checkpoint().head == AuditEvent.objects.latest("position").hash


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("UPDATE audit_auditevent SET actor_name = 'Orang Lain' WHERE position = {p}", "content"),
        ("DELETE FROM audit_auditevent WHERE position = {p}", "missing"),
    ],
)
def test_tampering_with_triggers_dropped_is_caught_at_the_right_event(office, tamper, reason):
    office.assign(office.register())
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
        (
            "UPDATE audit_auditevent SET actor_name = 'Orang Lain' WHERE position = {p}",
            0,
            "content",
        ),
        ("UPDATE audit_auditevent SET previous_hash = hash WHERE position = {p}", 0, "link"),
        ("DELETE FROM audit_auditevent WHERE position = {p}", 0, "missing"),
        ("DELETE FROM audit_auditevent WHERE position = {p}", -1, "missing"),
        ("UPDATE audit_auditevent SET object_label = 'x' WHERE position = {p}", 2, "content"),
    ],
)
def test_stretches_checked_side_by_side_find_what_a_walk_alone_finds(
    monkeypatch, tamper, at, reason
):
    office = Office()
    office.assign(office.register())
    total = AuditEvent.objects.count()
    monkeypatch.setattr(audit_selectors, "MIN_STRETCH", 2)
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
    assert verify_chain() == (event.position, None)


def test_an_append_after_its_own_rolled_back_events_links_to_the_true_head(db):
    first = record(Action.EXPORTED)
    with transaction.atomic():
        record(Action.EXPORTED)
        with pytest.raises(DatabaseError), transaction.atomic():
            record(Action.EXPORTED)
            raise DatabaseError("undone")
        after_savepoint = record(Action.EXPORTED)
        transaction.set_rollback(True)
    last = record(Action.AUDIT_SEARCHED)
    assert after_savepoint.position == first.position + 2
    assert last.position == first.position + 1 and last.previous_hash == first.hash
    assert verify_chain() == (last.position, None)


@pytest.mark.django_db(transaction=True)
def test_an_append_links_to_another_connections_event_at_the_position_it_rolled_back():
    before = record(Action.EXPORTED)
    with transaction.atomic():
        undone = record(Action.EXPORTED)
        transaction.set_rollback(True)
    with ThreadPoolExecutor(max_workers=1) as other:
        theirs = other.submit(_record_and_close, Action.AUDIT_SEARCHED).result()
    after = record(Action.EXPORTED)
    assert theirs.position == undone.position and theirs.hash != undone.hash
    assert theirs.previous_hash == before.hash
    assert after.previous_hash == theirs.hash and after.position == theirs.position + 1
    assert verify_chain() == (after.position, None)


def _record_and_close(action: str) -> AuditEvent:
    try:
        return record(action)
    finally:
        connection.close()


def test_further_events_of_a_transaction_do_not_read_the_head_again(db):
    with transaction.atomic():
        record(Action.EXPORTED)
        with CaptureQueriesContext(connection) as queries:
            record(Action.EXPORTED)
    assert len(queries) == 2
    assert "audit_chainhead" in queries[0]["sql"] and "audit_auditevent" in queries[1]["sql"]
    assert verify_chain() == (2, None)


@pytest.mark.django_db(transaction=True)
def test_the_first_event_after_a_commit_reads_the_head_again():
    record(Action.EXPORTED)
    with CaptureQueriesContext(connection) as queries:
        record(Action.EXPORTED)
    statements = [query["sql"].split()[0] for query in queries if "audit_" in query["sql"]]
    assert statements == ["SELECT", "UPDATE", "INSERT"]
    assert verify_chain() == (2, None)
