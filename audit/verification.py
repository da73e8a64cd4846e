"""Verification of the sealed chain, end to end, naming the first event that does not fit."""

import contextlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from . import sealing
from .chain import GENESIS, link_hash
from .models import AuditSeal

VERIFY_CHUNK = 5000
# Below this many events per process, starting processes costs more than it saves.
MIN_STRETCH = 20_000


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head: str


@dataclass(frozen=True)
class ChainProblem:
    """Where the chain breaks: at a `position` (missing, link, content, head), or at an event
    outside it (`event_id`): one neither sealed nor waiting (unsealed), or the oldest of those
    waiting longer than the bound (late)."""

    position: int | None
    reason: str
    event_id: int | None = None


def checkpoint() -> Checkpoint:
    status = sealing.status()
    return Checkpoint(status.sealed, status.head)


def holds_checkpoint(point: Checkpoint) -> bool:
    """Whether the chain, as it stands, still passes through a checkpoint published earlier:
    the seal at its count has its head. A chain rewritten before that point cannot."""
    if point.count == 0:
        return point.head == GENESIS
    return AuditSeal.objects.filter(position=point.count, hash=point.head).exists()


@dataclass(frozen=True)
class _StretchResult:
    """What one stretch of positions showed, to be joined to the stretches before it."""

    checked: int
    opening_hash: str | None  # the previous hash its first seal claims, if that seal is there
    closing_hash: str
    problem: ChainProblem | None


def _stretch_sql(vendor: str) -> str:
    # The event side is an outer join: a seal whose event is gone is a missing event.
    return (
        f"SELECT s.position, {sealing.content_columns('e', vendor)}, "
        "s.previous_hash, s.hash, e.id "
        "FROM audit_auditseal s LEFT JOIN audit_auditevent e ON e.id = s.event_id "
        "WHERE s.position BETWEEN %s AND %s ORDER BY s.position"
    )


def _rows(first: int, last: int) -> Iterator[tuple[Any, ...]]:
    """Seals first..last joined to their events, streamed: one query, so the database joins the
    stretch once, and a cursor on the server (PostgreSQL), so that it does not sit in memory."""
    postgresql = connection.vendor == "postgresql"
    # The server's cursor lives in a transaction. Not on SQLite, whose transactions here begin
    # by taking the write lock: the check would hold up every writer.
    with transaction.atomic() if postgresql else contextlib.nullcontext():
        if postgresql:
            with connection.cursor() as settings:
                # The stretch is sorted once, in memory rather than on disk; a query this
                # simple does not repay compiling it.
                settings.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        with connection.chunked_cursor() as cursor:
            cursor.execute(_stretch_sql(connection.vendor), [first, last])
            while rows := cursor.fetchmany(VERIFY_CHUNK):
                yield from rows


def _verify_stretch(first: int, last: int) -> _StretchResult:
    """Check positions first..last on their own, taking the first seal's link on trust.

    A raw cursor: the ORM's row handling would cost more than hashing.
    """
    content = sealing.content
    opening, previous, expected, problem = None, None, first, None
    for row in _rows(first, last):
        position, previous_hash, event_hash = row[0], row[-3], row[-2]
        if position != expected or row[-1] is None:
            problem = ChainProblem(expected, "missing")
            break
        if previous is None:
            opening = previous = previous_hash
        if previous_hash != previous:
            problem = ChainProblem(position, "link")
            break
        if link_hash(previous, content(position, row[1:-3])) != event_hash:
            problem = ChainProblem(position, "content")
            break
        previous, expected = event_hash, position + 1
    if problem is None and expected <= last:
        problem = ChainProblem(expected, "missing")
    return _StretchResult(expected - first, opening, previous or "", problem)


def _open_own_connections() -> None:
    """First thing in a worker process: the connections the fork copied are the parent's, and
    using or closing one would break it, so the worker leaves them be and opens its own."""
    for alias in connections:
        connections[alias] = connections.create_connection(alias)


def _verify_stretch_apart(bounds: tuple[int, int]) -> _StretchResult:
    """`_verify_stretch` in a worker process."""
    try:
        return _verify_stretch(*bounds)
    finally:
        connections.close_all()


_TALLY_SQL = (
    # One statement, so one snapshot: the sealer moves the head and its seals together.
    "SELECT h.count, h.hash, (SELECT max(position) FROM audit_auditseal), "
    "(SELECT count(*) FROM audit_auditseal), (SELECT count(*) FROM audit_auditevent), "
    "(SELECT count(*) FROM audit_auditpending p WHERE NOT EXISTS "
    "(SELECT 1 FROM audit_auditseal s WHERE s.event_id = p.event_id)) "
    "FROM (SELECT 1 AS one) o LEFT JOIN audit_chainhead h ON h.id = 1"
)
_FIRST_UNSEALED_SQL = (
    "SELECT min(e.id) FROM audit_auditevent e WHERE NOT EXISTS "
    "(SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id) AND NOT EXISTS "
    "(SELECT 1 FROM audit_auditpending p WHERE p.event_id = e.id)"
)
_OLDEST_WAITING_SQL = (
    "SELECT p.event_id FROM audit_auditpending p JOIN audit_auditevent e ON e.id = p.event_id "
    "WHERE NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = p.event_id) "
    "ORDER BY e.occurred_at, p.event_id LIMIT 1"
)


def _scalar(sql: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def verify_chain(workers: int = 1) -> tuple[int, ChainProblem | None]:
    """Check the sealed chain up to its head and report the first thing, in position order, that
    is wrong; then that every event is sealed or waiting, and none waits beyond the bound.

    The head and the tallies are read first, in one statement: what the sealer adds meanwhile is
    left to the next check. Every seal stores the hash before it, so stretches of the chain can be
    checked apart, each by its own process, and joined afterwards. Inside a transaction the check
    runs alone: other connections cannot see what this one has not committed.
    """
    with connection.cursor() as cursor:
        cursor.execute(_TALLY_SQL)
        count, head_hash, last, seals, events, waiting = cursor.fetchone()
    count, head_hash = count or 0, head_hash or GENESIS
    if connection.in_atomic_block:
        workers = 1
    stretch_count = max(1, min(workers, count // MIN_STRETCH))
    size = max(1, -(-count // stretch_count))
    stretches = [(start, min(start + size - 1, count)) for start in range(1, count + 1, size)]
    if len(stretches) > 1:
        with ProcessPoolExecutor(
            len(stretches), mp_context=get_context("fork"), initializer=_open_own_connections
        ) as pool:
            results = list(pool.map(_verify_stretch_apart, stretches))
    else:
        results = [_verify_stretch(*bounds) for bounds in stretches]
    previous, checked = GENESIS, 0
    for (first, _last), result in zip(stretches, results, strict=True):
        if result.opening_hash is not None and result.opening_hash != previous:
            return checked, ChainProblem(first, "link")
        checked += result.checked
        if result.problem is not None:
            return checked, result.problem
        previous = result.closing_hash
    if head_hash != previous or (last or 0) != count or seals != count:
        return checked, ChainProblem(checked + 1, "head")
    if events != seals + waiting:
        return checked, ChainProblem(None, "unsealed", _scalar(_FIRST_UNSEALED_SQL))
    if sealing.status().late(timezone.now()):
        return checked, ChainProblem(None, "late", _scalar(_OLDEST_WAITING_SQL))
    return checked, None
