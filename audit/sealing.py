"""Sealing: events enter the hash chain after commit, by one sealer, within a bounded delay.

As a Certificate Transparency log does (RFC 9162), a request only writes its event and a row of
the queue, in its own transaction, and never waits for the chain. The sealer then takes the chain
head's row lock for a short transaction of its own, links what committed since its last round,
and moves the head. Two sealers at once take turns on that lock; an event is sealed once, because
its seal is unique and its queue row goes in the same transaction; a sealer that dies rolls back,
and the next round seals the same events.
"""

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, connections, router, transaction
from django.db.models import Count, Exists, Min, OuterRef
from django.utils import timezone

from .chain import CHAINED_FIELDS, GENESIS, link_hash
from .models import AuditEvent, AuditPending, AuditSeal, ChainHead

SEAL_BATCH = 1000
_DETAILS = CHAINED_FIELDS.index("details")
_TIMESTAMP_TEXT = {
    # Both as `chain.timestamp_text` writes a time: UTC, ISO 8601 with microseconds.
    "postgresql": (
        "to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
    ),
    # Django stores UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]", without the fraction when it is 0.
    "sqlite": "replace(substr({column} || '.000000', 1, 26), ' ', 'T') || '+00:00'",
}


def content_columns(alias: str, vendor: str) -> str:
    """The SQL columns of an event's chained content but its position, in CHAINED_FIELDS order.

    The sealer and the verification read content through this alone, formatted by the database,
    so that a hash covers what the database holds and never a Python value before its round trip.
    """
    if vendor not in _TIMESTAMP_TEXT:
        raise NotImplementedError(f"Audit sealing does not support {vendor}.")
    columns = [
        _TIMESTAMP_TEXT[vendor].format(column=f"{alias}.occurred_at")
        if name == "occurred_at"
        else f"{alias}.{name}"
        for name in CHAINED_FIELDS[1:]
    ]
    return ", ".join(columns)


_scan_once = json.JSONDecoder().scan_once


def _parse(text: str) -> Any:
    """`json.loads` of the database's JSON text, through the scanner it calls but without its
    per-call checks, which cost half as much again; text with blanks around takes the long way."""
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def content(position: int, columns: Sequence[Any]) -> tuple[Any, ...]:
    """The chained content of an event read through `content_columns`, at `position`."""
    details = _DETAILS - 1
    return (position, *columns[:details], _parse(columns[details]), *columns[details + 1 :])


def enqueue(values: dict[str, Any]) -> AuditEvent:
    """Write an event and its queue row in the caller's transaction: no lock, no chain read.

    On PostgreSQL one statement writes both (an INSERT inside WITH): every action of the site
    is written in one round trip to the database rather than two.
    """
    event = AuditEvent(**values)
    db = connections[router.db_for_write(AuditEvent)]
    if db.vendor != "postgresql":
        event.save(force_insert=True, using=db.alias)
        AuditPending.objects.using(db.alias).create(event=event)
        return event
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    quote = db.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    params = [field.get_db_prep_save(getattr(event, field.attname), db) for field in fields]
    with db.cursor() as cursor:
        cursor.execute(
            f"WITH event AS (INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) "
            f"VALUES ({placeholders}) RETURNING id) "
            f"INSERT INTO {quote(AuditPending._meta.db_table)} (event_id) "
            "SELECT id FROM event RETURNING event_id",
            params,
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, db.alias
    return event


def _unsealed() -> Exists:
    return ~Exists(AuditSeal.objects.filter(event_id=OuterRef("event_id")))


def _pending_sql(vendor: str) -> str:
    # A queue row whose event is sealed can only be a forged one (the sealer deletes its rows
    # with their seals): it is passed over, not allowed to stop the sealer on the unique seal.
    return (
        f"SELECT p.event_id, {content_columns('e', vendor)} "
        "FROM audit_auditpending p JOIN audit_auditevent e ON e.id = p.event_id "
        "WHERE NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = p.event_id) "
        "ORDER BY p.event_id LIMIT %s"
    )


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # a database emptied by a test's flush
        ChainHead.objects.get_or_create(pk=1, defaults={"hash": GENESIS})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def _seal_round(limit: int) -> tuple[int, bool]:
    """Seal up to `limit` waiting events; says how many and whether the queue was drained."""
    head = _locked_head()
    # Taken under the lock and before the queue is read: everything committed before this moment
    # is in what the read below sees.
    started = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_pending_sql(connection.vendor), [limit])
        rows = cursor.fetchall()
    position, previous, seals = head.count, head.hash, []
    for row in rows:
        position += 1
        link = link_hash(previous, content(position, row[1:]))
        seals.append(
            AuditSeal(
                position=position,
                event_id=row[0],
                previous_hash=previous,
                hash=link,
                sealed_at=started,
            )
        )
        previous = link
    AuditSeal.objects.bulk_create(seals)
    AuditPending.objects.filter(event_id__in=[seal.event_id for seal in seals]).delete()
    drained = len(rows) < limit
    ChainHead.objects.filter(pk=1).update(
        count=position, hash=previous, sealed_at=started if drained else head.sealed_at
    )
    return len(seals), drained


def seal_pending(limit: int = SEAL_BATCH) -> int:
    """Seal every committed event that waits, `limit` per transaction; returns how many.

    Runs in transactions of its own: called inside a caller's transaction it would hold the head
    lock until that one ends, which is what sealing after commit avoids.
    """
    sealed = 0
    while True:
        count, drained = _seal_round(limit)
        sealed += count
        if drained:
            return sealed


def interval() -> float:
    """Seconds between the sealer's rounds (`AUDIT_SEAL_INTERVAL`)."""
    return float(getattr(settings, "AUDIT_SEAL_INTERVAL", 1))


def bound() -> datetime.timedelta:
    """The longest an event may wait to be sealed, as auditors are told (`AUDIT_SEAL_BOUND`)."""
    return datetime.timedelta(seconds=float(getattr(settings, "AUDIT_SEAL_BOUND", 10)))


@dataclass(frozen=True)
class SealStatus:
    sealed: int
    head: str
    pending: int
    oldest_pending_at: datetime.datetime | None
    last_sealed_at: datetime.datetime | None
    bound: datetime.timedelta

    def late(self, now: datetime.datetime | None = None) -> bool:
        """Whether events may have waited longer than the bound.

        An event's commit time is not known, only when it occurred, which is earlier (a long
        transaction commits long after its events occurred). What is known: every event committed
        before `last_sealed_at` is sealed. So a waiting event can be late only if the sealer has
        not completed a round within the bound AND the event occurred before the bound's window;
        while the sealer keeps its rounds, no waiting event is late, however old its time.
        """
        if not self.pending:
            return False
        limit = (now or timezone.now()) - self.bound
        sealer_behind = self.last_sealed_at is None or self.last_sealed_at < limit
        return (
            sealer_behind and self.oldest_pending_at is not None and self.oldest_pending_at < limit
        )


def status() -> SealStatus:
    """The sealed chain and the queue, for the auditors' pages and the checkpoint."""
    head = ChainHead.objects.filter(pk=1).first()
    waiting = AuditPending.objects.filter(_unsealed()).aggregate(
        count=Count("pk"), oldest=Min("event__occurred_at")
    )
    return SealStatus(
        sealed=head.count if head else 0,
        head=head.hash if head else GENESIS,
        pending=waiting["count"],
        oldest_pending_at=waiting["oldest"],
        last_sealed_at=head.sealed_at if head else None,
        bound=bound(),
    )
