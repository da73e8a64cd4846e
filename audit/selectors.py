"""Reads of the audit log: the chain's integrity and its checkpoint."""

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from django.db import NotSupportedError, connection, connections
from django.db.models import CharField, Func, Max

from .chain import CHAINED_FIELDS, GENESIS, link_hash
from .models import AuditEvent, ChainHead

VERIFY_CHUNK = 5000
# Below this many events per process, starting processes costs more than it saves.
MIN_STRETCH = 20_000


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head: str


@dataclass(frozen=True)
class ChainProblem:
    position: int
    reason: str


def checkpoint() -> Checkpoint:
    head = ChainHead.objects.filter(pk=1).first()
    return Checkpoint(head.count, head.hash) if head else Checkpoint(0, GENESIS)


class TimestampText(Func):
    """A time as `chain.timestamp_text` writes it, formatted by the database."""

    output_field = CharField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError(f"Audit verification does not support {connection.vendor}.")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
        )
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]", without the fraction when it is 0.
        template = "replace(substr(%(expressions)s || '.000000', 1, 26), ' ', 'T') || '+00:00'"
        return super().as_sql(compiler, connection, template=template, **extra)


@dataclass(frozen=True)
class _StretchResult:
    """What one stretch of positions showed, to be joined to the stretches before it."""

    checked: int
    opening_hash: str | None  # the previous hash its first event claims, if that event is there
    closing_hash: str
    problem: ChainProblem | None


def _verify_stretch(first: int, last: int) -> _StretchResult:
    """Check positions first..last on their own, taking the first event's link on trust."""
    fields = [name if name != "occurred_at" else "occurred_text" for name in CHAINED_FIELDS]
    rows = (
        AuditEvent.objects.filter(position__range=(first, last))
        .order_by("position")
        .annotate(occurred_text=TimestampText("occurred_at"))
        .values_list(*fields, "previous_hash", "hash")
        .iterator(chunk_size=VERIFY_CHUNK)
    )
    opening, previous, expected, problem = None, None, first, None
    for row in rows:
        position, content, previous_hash, event_hash = row[0], row[:-2], row[-2], row[-1]
        if position != expected:
            problem = ChainProblem(expected, "missing")
            break
        if previous is None:
            opening = previous = previous_hash
        if previous_hash != previous:
            problem = ChainProblem(position, "link")
            break
        if link_hash(previous, content) != event_hash:
            problem = ChainProblem(position, "content")
            break
        previous, expected = event_hash, position + 1
    else:
        if expected <= last:
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


def verify_chain(workers: int = 1) -> tuple[int, ChainProblem | None]:
    """Check the whole chain and report the first event, in position order, that is wrong.

    Every event stores the hash before it, so stretches of the chain can be checked apart, each
    by its own process, and joined afterwards. Inside a transaction the check runs alone: other
    connections cannot see what this one has not committed.
    """
    last = AuditEvent.objects.aggregate(last=Max("position"))["last"] or 0
    if connection.in_atomic_block:
        workers = 1
    count = max(1, min(workers, last // MIN_STRETCH))
    size = max(1, -(-last // count))
    stretches = [(start, min(start + size - 1, last)) for start in range(1, last + 1, size)]
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
    head = checkpoint()
    if head.count != checked or head.head != previous:
        return checked, ChainProblem(checked + 1, "head")
    return checked, None
