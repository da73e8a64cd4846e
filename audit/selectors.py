"""Reads of the audit log: a case's timeline, readable changes, and the chain's integrity."""

import datetime
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import NotSupportedError, connection, connections
from django.db.models import CharField, Func, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from flows.flows import CaseFlow
from letters.models import Letter
from lk3_flow.choices import ProblemCategory, Service

from . import personal
from .chain import CHAINED_FIELDS, GENESIS, link_hash
from .models import Action, AuditEvent, ChainHead

VERIFY_CHUNK = 5000
# Below this many events per process, starting processes costs more than it saves.
MIN_STRETCH = 20_000
DETAIL_LABELS = {
    "comment": _lazy("Comment"),
    "reason": _lazy("Reason"),
    "user": _lazy("User"),
    "role": _lazy("Role"),
    "result": _lazy("Result"),
}


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


def case_events(
    case: Any,
    *,
    actor: Any = None,
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    events = AuditEvent.objects.filter(case=case).order_by("position")
    if actor:
        events = events.filter(actor=actor)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    return events


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


# Fields that store a list of codes (JSON) and the vocabulary that names them.
LIST_VOCABULARIES = {"problem_categories": ProblemCategory, "services": Service}


def _display(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if field is not None and field.name in LIST_VOCABULARIES:
        choices = dict(LIST_VOCABULARIES[field.name].choices)
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def readable_changes(event: AuditEvent) -> list[Change]:
    """The event's field changes with the fields' own (translated) labels and choice names."""
    # Sealed personal values opened, or erased ones as "erased on ... by ..., reason: ...".
    changes = personal.readable_changes_of(event)
    if not changes:
        return []
    model = apps.get_model(event.object_type) if event.object_type else None
    readable = []
    for name, (before, after) in changes.items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = str(field.verbose_name) if field is not None else name
        readable.append(Change(label, _display(field, before), _display(field, after)))
    return readable


def step_title(event: AuditEvent) -> str:
    step = event.details.get("step")
    node = CaseFlow.instance.node(step, no_obsolete=True) if step else None
    return str(node.task_title) if node else ""


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    step: str
    changes: list[Change]
    letter: Letter | None
    action: str
    when: str

    @property
    def details(self) -> str:
        """The readable part of the details, escaped, built here: a template per row is slow."""
        details = self.event.details
        lines = [format_html("<div><strong>{}</strong>: {} → {}</div>", c.label, c.before, c.after)
                 for c in self.changes]  # fmt: skip
        for key, label in DETAIL_LABELS.items():
            if details.get(key):
                lines.append(format_html("<div>{}: {}</div>", label, details[key]))
        # Every part was escaped by format_html.
        return mark_safe("".join(lines))

    def cells(self, link_letters: bool) -> str:
        """The row's cells. Built here rather than in a template: a timeline has a thousand rows
        and the template engine would spend most of the page's time on them."""
        event, letter = self.event, ""
        if self.letter is not None:
            number = self.letter.number
            if link_letters:
                url = reverse("letter_download", args=[self.letter.pk])
                number = format_html('<a href="{}">{}</a>', url, number)
            letter = format_html("<div>{} · {}</div>", number, self.letter.get_kind_display())
        return format_html(
            '<td class="nowrap">#{}<br><small>{}</small></td>'
            "<td>{}{}</td><td>{}{}</td><td>{}{}</td>"
            "<td><small>{}<br>{}</small></td>",
            event.position,
            self.when,
            event.actor_name or "—",
            format_html("<br><small>{}</small>", event.actor_role) if event.actor_role else "",
            self.action,
            format_html("<br><small>{}</small>", self.step) if self.step else "",
            self.details,
            letter,
            event.ip_address or "",
            event.request_id[:12],
        )

    @property
    def html_cells(self) -> str:
        return self.cells(link_letters=True)

    @property
    def report_cells(self) -> str:
        return self.cells(link_letters=False)


def timeline(events: QuerySet) -> Iterator[TimelineEntry]:
    """Audit events with what a reader needs beside them, in two queries however many."""
    events = list(events)
    letter_ids = {int(event.object_id) for event in events if event.object_type == "letters.Letter"}
    letters = Letter.objects.in_bulk(letter_ids)
    # Resolved once: a model's get_FOO_display() rebuilds its choices on every call.
    action_labels = {value: str(label) for value, label in Action.choices}
    months = [str(name) for name in MONTHS.values()]
    for event in events:
        local = timezone.localtime(event.occurred_at)
        letter = (
            letters.get(int(event.object_id)) if event.object_type == "letters.Letter" else None
        )
        yield TimelineEntry(
            event,
            step_title(event),
            readable_changes(event),
            letter,
            action_labels[event.action],
            f"{local.day} {months[local.month - 1]} {local.year} {local:%H:%M:%S}",
        )
