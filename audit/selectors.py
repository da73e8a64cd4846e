"""Reads of the audit log: a case's timeline, readable changes, and the chain's integrity."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from flows.flows import CaseFlow
from letters.models import Letter
from lk3_flow.choices import ProblemCategory, Service

from .chain import GENESIS, link_hash
from .models import AuditEvent, ChainHead

VERIFY_CHUNK = 5000


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


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Walk the whole chain in order, a chunk at a time; report the first event that is wrong."""
    previous, expected_position, checked = GENESIS, 1, 0
    rows = AuditEvent.objects.order_by("position").values().iterator(chunk_size=VERIFY_CHUNK)
    for row in rows:
        position = row["position"]
        if position != expected_position:
            return checked, ChainProblem(expected_position, "missing")
        if row["previous_hash"] != previous:
            return checked, ChainProblem(position, "link")
        if link_hash(previous, row) != row["hash"]:
            return checked, ChainProblem(position, "content")
        previous, expected_position, checked = row["hash"], position + 1, checked + 1
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
    changes = event.details.get("changes", {})
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


def timeline(events: QuerySet) -> Iterator[TimelineEntry]:
    """Audit events with what a reader needs beside them, in two queries however many."""
    events = list(events)
    letter_ids = {int(event.object_id) for event in events if event.object_type == "letters.Letter"}
    letters = Letter.objects.in_bulk(letter_ids)
    for event in events:
        letter = (
            letters.get(int(event.object_id)) if event.object_type == "letters.Letter" else None
        )
        yield TimelineEntry(event, step_title(event), readable_changes(event), letter)
