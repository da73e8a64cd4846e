"""Reads of the audit log: a case's timeline and readable changes."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
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
from .models import Action, AuditEvent

DETAIL_LABELS = {
    "comment": _lazy("Comment"),
    "reason": _lazy("Reason"),
    "user": _lazy("User"),
    "role": _lazy("Role"),
    "result": _lazy("Result"),
}


def case_events(
    case: Any,
    *,
    actor: Any = None,
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    events = AuditEvent.objects.filter(case=case).select_related("seal").order_by("pk")
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
    # Encrypted personal values decrypted, or erased ones as "erased on ... by ..., reason: ...".
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
        seal = getattr(event, "seal", None)  # none yet while the event waits for the sealer
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
            seal.position if seal else "—",
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
