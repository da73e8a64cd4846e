"""The chain sealed after commit: queued on the request path, sealed once by one sealer."""

import datetime
import io
import itertools
import json
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import sealing, triggers
from audit.chain import CHAINED_FIELDS, GENESIS, canonical, content_of, link_hash
from audit.models import Action, AuditEvent, AuditPending, AuditSeal, ChainHead
from audit.services import record
from audit.verification import ChainProblem, checkpoint, verify_chain
from lk3_flow.management.commands.run_worker import Command as RunWorker

pytestmark = pytest.mark.django_db

BEFORE_SEALING = [("audit", "0004_role_declined_action")]


def _raw(sql: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _with_triggers_lifted(sql: str, params: list | None = None) -> None:
    triggers.remove(connection)
    try:
        _raw(sql, params)
    finally:
        triggers.install(connection)


def test_the_request_path_writes_the_event_and_its_queue_row_and_never_the_head(db):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        event = record(Action.EXPORTED, details={"format": "csv"})
    statements = [query["sql"] for query in queries if "audit_" in query["sql"]]
    # One statement on PostgreSQL (the queue row inserted WITH the event), two on SQLite.
    assert len(statements) == (1 if connection.vendor == "postgresql" else 2)
    assert all(sql.startswith(("INSERT", "WITH event AS (INSERT")) for sql in statements)
    assert "audit_auditpending" in " ".join(statements)
    assert not any("audit_chainhead" in sql or "audit_auditseal" in sql for sql in statements)
    assert AuditPending.objects.filter(event=event).exists()
    assert AuditEvent.objects.get(pk=event.pk).details == {"format": "csv"}
    assert not AuditSeal.objects.exists()


def test_events_committed_while_no_sealer_ran_are_sealed_by_the_next_run(db):
    events = [record(Action.EXPORTED, details={"n": n}) for n in range(5)]
    assert sealing.status().pending == 5 and checkpoint().count == 0

    assert sealing.seal_pending(limit=2) == 5  # three rounds of the loop
    seals = list(AuditSeal.objects.order_by("position"))
    assert [seal.event_id for seal in seals] == [event.pk for event in events]
    assert [seal.position for seal in seals] == [1, 2, 3, 4, 5]
    assert seals[0].previous_hash == GENESIS
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(seals))
    assert not AuditPending.objects.exists()
    assert checkpoint().count == 5 and checkpoint().head == seals[-1].hash
    assert verify_chain() == (5, None)
    assert sealing.seal_pending() == 0
    assert AuditSeal.objects.count() == 5


def test_the_hash_is_todays_formula_over_what_the_database_holds(db):
    event = record(Action.EXPORTED, details={"ratio": 0.5, "nested": {"b": 1, "a": [1, "x"]}})
    sealing.seal_pending()
    stored = AuditEvent.objects.get(pk=event.pk)
    values = {name: getattr(stored, name) for name in CHAINED_FIELDS[1:]} | {"position": 1}
    assert stored.seal.hash == link_hash(GENESIS, content_of(values))


@pytest.mark.parametrize(
    "value",
    [
        [1, "2026-12-02T01:02:03.000000+00:00", None, True, False, 0.1, 1e-7, 2**70, -0.0],
        [{"b": [1, {"d": None, "c": "é\u00a0ü"}], "a": '\n\t\x00\x1f\x7f"\\/'}],
        ["Rangkasbitung 😀", {"10": 1, "9": 2, "": 3}, [], {}],
    ],
)
def test_encoding_and_parsing_are_the_standard_librarys(value):
    expected = json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
    assert canonical(value) == expected.encode()
    # As PostgreSQL writes JSON, as Django wrote it to SQLite, and with blanks around it.
    for text in [json.dumps({"v": value}), expected, f" {expected} "]:
        assert sealing._parse(text) == json.loads(text)


def test_rolled_back_events_are_never_sealed(db):
    kept = record(Action.EXPORTED)
    with transaction.atomic():
        record(Action.EXPORTED)
        transaction.set_rollback(True)
    assert sealing.seal_pending() == 1
    assert list(AuditSeal.objects.values_list("event_id", flat=True)) == [kept.pk]
    assert verify_chain() == (1, None)


def test_a_sealer_that_fails_halfway_leaves_everything_for_the_next_run(db, monkeypatch):
    record(Action.EXPORTED)
    sealing.seal_pending()
    head = ChainHead.objects.get(pk=1)
    waiting = [record(Action.AUDIT_SEARCHED) for _ in range(3)]

    def crash(*args, **kwargs):
        raise DatabaseError("the sealer's process died")

    # After the seals are written, before the queue rows go and the head moves.
    monkeypatch.setattr(AuditPending.objects, "filter", crash)
    with pytest.raises(DatabaseError):
        sealing.seal_pending()
    monkeypatch.undo()
    assert AuditSeal.objects.count() == 1
    assert AuditPending.objects.count() == 3
    assert ChainHead.objects.get(pk=1).hash == head.hash

    assert sealing.seal_pending() == 3
    assert list(AuditSeal.objects.filter(position__gt=1).values_list("event_id", flat=True)) == [
        event.pk for event in waiting
    ]
    assert verify_chain() == (4, None)


@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_seal_every_committed_event_exactly_once():
    """Writers commit while two sealers run side by side; they take turns on the head row."""
    writers_done = threading.Event()

    def write(n: int) -> None:
        try:
            for _ in range(15):
                record(Action.CASE_VIEWED, details={"writer": n})
        finally:
            connection.close()

    def seal() -> int:
        sealed = 0
        try:
            while not writers_done.is_set():
                sealed += sealing.seal_pending(limit=4)
            return sealed + sealing.seal_pending(limit=4)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=5) as pool:
        sealers = [pool.submit(seal) for _ in range(2)]
        writers = [pool.submit(write, n) for n in range(3)]
        for writer in writers:
            writer.result()
        writers_done.set()
        sealed = [sealer.result() for sealer in sealers]
    assert sum(sealed) == 45
    assert AuditEvent.objects.count() == AuditSeal.objects.count() == 45
    assert not AuditPending.objects.exists()
    assert verify_chain() == (45, None)


def test_a_queue_row_goes_only_with_its_seal(db):
    event = record(Action.EXPORTED)
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM audit_auditpending")
    with pytest.raises(DatabaseError):
        _raw("UPDATE audit_auditpending SET event_id = event_id")
    assert AuditPending.objects.filter(event=event).exists()
    sealing.seal_pending()
    assert not AuditPending.objects.exists()


REFUSED = [
    "UPDATE audit_auditevent SET action = 'case_viewed'",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_auditseal SET sealed_at = sealed_at",
    "DELETE FROM audit_auditseal",
    "UPDATE audit_auditpending SET event_id = event_id",
    "DELETE FROM audit_auditpending",
]
# SQLite has no TRUNCATE; a DELETE without WHERE is its truncation, refused above.
if connection.vendor == "postgresql":
    REFUSED += [
        "TRUNCATE audit_auditevent CASCADE",
        "TRUNCATE audit_auditseal",
        "TRUNCATE audit_auditpending",
    ]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_database_refuses_changes_to_every_audit_table(db, statement):
    record(Action.EXPORTED)
    sealing.seal_pending()
    record(Action.EXPORTED)  # one waiting, so that the queue has a row to refuse
    with pytest.raises(DatabaseError):
        _raw(statement)
    counts = (AuditEvent.objects.count(), AuditSeal.objects.count(), AuditPending.objects.count())
    assert counts == (2, 1, 1)


def test_a_forged_queue_row_of_a_sealed_event_does_not_stop_the_sealer(db):
    event = record(Action.EXPORTED)
    sealing.seal_pending()
    _raw("INSERT INTO audit_auditpending (event_id) VALUES (%s)", [event.pk])
    later = record(Action.EXPORTED)
    assert sealing.seal_pending() == 1
    assert AuditSeal.objects.get(position=2).event_id == later.pk
    assert verify_chain() == (2, None)


def test_an_event_neither_sealed_nor_waiting_is_named(db):
    record(Action.EXPORTED)
    sealing.seal_pending()
    stray = record(Action.EXPORTED)
    # Its queue row goes without a seal, which only lifting the triggers allows.
    _with_triggers_lifted("DELETE FROM audit_auditpending WHERE event_id = %s", [stray.pk])
    assert verify_chain() == (1, ChainProblem(None, "unsealed", stray.pk))
    with pytest.raises(CommandError, match=f"event id {stray.pk} is neither"):
        call_command("verify_audit", workers=1)


def test_a_head_that_does_not_match_the_seals_is_named(db):
    for _ in range(3):
        record(Action.EXPORTED)
    sealing.seal_pending()
    ChainHead.objects.filter(pk=1).update(count=2)
    assert verify_chain() == (2, ChainProblem(3, "head"))
    ChainHead.objects.filter(pk=1).update(count=3, hash=GENESIS)
    assert verify_chain() == (3, ChainProblem(4, "head"))


def test_events_waiting_beyond_the_bound_while_the_sealer_stands_still_are_late(db, settings):
    settings.AUDIT_SEAL_BOUND = 10
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    record(Action.EXPORTED)
    sealing.seal_pending()
    ChainHead.objects.filter(pk=1).update(sealed_at=long_ago)
    record(Action.EXPORTED)
    # Occurred within the bound: whenever it committed, it cannot have waited longer.
    assert verify_chain() == (1, None)

    old = record(Action.AUDIT_SEARCHED)
    _with_triggers_lifted(
        "UPDATE audit_auditevent SET occurred_at = %s WHERE id = %s", [long_ago, old.pk]
    )
    assert sealing.status().late()
    assert verify_chain() == (1, ChainProblem(None, "late", old.pk))
    with pytest.raises(CommandError, match=f"the oldest: event id {old.pk}"):
        call_command("verify_audit", workers=1)

    sealing.seal_pending()  # the sealer runs again: nothing waits, nothing is late
    assert not sealing.status().late()
    assert verify_chain() == (3, None)


def test_a_waiting_event_is_not_late_while_the_sealer_keeps_its_rounds():
    now = timezone.now()
    status = sealing.SealStatus(
        sealed=1,
        head=GENESIS,
        pending=1,
        # A long transaction: its event occurred a minute before it committed.
        oldest_pending_at=now - datetime.timedelta(minutes=1),
        last_sealed_at=now - datetime.timedelta(seconds=1),
        bound=datetime.timedelta(seconds=10),
    )
    assert not status.late(now)
    assert status.late(now + datetime.timedelta(seconds=10))


def test_checkpoint_prints_the_sealed_head_the_last_seal_and_the_queue(db):
    record(Action.EXPORTED)
    sealing.seal_pending()
    record(Action.EXPORTED)
    head = ChainHead.objects.get(pk=1)
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    printed = out.getvalue()
    assert "events: 1\n" in printed and f"head: {head.hash}\n" in printed
    assert f"sealed at: {head.sealed_at.isoformat(timespec='seconds')}\n" in printed
    assert "pending: 1\n" in printed


@pytest.mark.django_db(transaction=True)
def test_the_worker_seals_each_round_and_stops_after_the_round_on_sigterm(monkeypatch):
    record(Action.EXPORTED)
    call_command("run_worker", once=True, niceness=0)
    assert AuditSeal.objects.count() == 1 and not AuditPending.objects.exists()

    rounds = []

    def stop_during_the_round() -> None:
        record(Action.EXPORTED)
        rounds.append(sealing.seal_pending())
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(RunWorker, "jobs", [stop_during_the_round])
    call_command("run_worker", niceness=0)  # would loop forever without the signal
    assert rounds == [1]
    assert verify_chain() == (2, None)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_an_existing_chain_verifiable():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_SEALING)
    old = executor.loader.project_state(BEFORE_SEALING[0]).apps
    OldEvent, OldHead = old.get_model("audit", "AuditEvent"), old.get_model("audit", "ChainHead")
    previous = GENESIS
    start = timezone.now().replace(microsecond=0)
    for n in range(1, 6):
        values = {
            "position": n,
            # One on the second: SQLite stores it without a fraction.
            "occurred_at": start + datetime.timedelta(seconds=n, microseconds=(n - 1) * 1234),
            "actor_id": None,
            "actor_name": "Sistem",
            "actor_role": "Pimpinan",
            "action": "exported",
            "case_id": n,
            "object_type": "lk3_flow.Case",
            "object_id": str(n),
            "object_label": f"Kasus {n}",
            "details": {"n": n, "words": ["é", "ü"]},
            "request_id": f"req-{n}",
            "ip_address": "10.0.0.1" if n % 2 else None,
        }
        link = link_hash(previous, content_of(values))
        OldEvent.objects.create(previous_hash=previous, hash=link, **values)
        previous = link
    OldHead.objects.update_or_create(pk=1, defaults={"count": 5, "hash": previous})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # Forward through the sealing migration to the latest, as an upgrade would go.
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert ("audit", "0005_sealing") in MigrationRecorder(connection).applied_migrations()
    assert AuditSeal.objects.count() == 5 and not AuditPending.objects.exists()
    assert verify_chain() == (5, None)
    assert checkpoint().head == previous
    # The events' triggers, dropped by SQLite's table rebuild, are back.
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM audit_auditevent")
    record(Action.EXPORTED)
    assert sealing.seal_pending() == 1
    assert verify_chain() == (6, None)
