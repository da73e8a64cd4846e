"""Reads for the auditor's workspace: a case's history as one readable line per action.

A line is what one person did in one go (a session recorded, an approval) with what it caused
folded under it. Events written one per service call carry their effects in `details["effects"]`;
older events were written one per task transition, and the consecutive ones of one request are
joined here into one line instead.
"""

import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import DateField, DateTimeField, QuerySet
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from attachments.models import AttachmentKind
from audit import personal
from audit.models import Action, AuditEvent
from casenotes.models import CaseNote, ContactKind
from flows.flows import CaseFlow
from letters.models import Letter, LetterKind
from lk3_flow.choices import ProblemCategory, Service
from permissions.selectors import case_notes_readable_by

LINES_PER_PAGE = 50
LETTER_MODEL = "letters.Letter"
NOTE_MODEL = "casenotes.CaseNote"
# What people wrote beside an action, shown under it with these labels. Other keys of the
# details are codes and ids for machines (statuses, owner ids, filters) and stay out of sight.
DETAIL_LABELS = {
    "user": _lazy("User"),
    "role": _lazy("Role"),
    "merged_client": _lazy("Record merged"),
    "cases_moved": _lazy("Cases moved"),
}
# Fields holding a file's digest, and how much of it a page shows.
DIGESTS = frozenset({"sha256"})
DIGEST_SHOWN = 16
# Changes an event records that are no model field: what a merge moved.
CHANGE_LABELS = {
    "merged_identity": _lazy("Record merged"),
    "household": _lazy("Household members"),
    "reason": _lazy("Reason"),
}
COMMENT_LABELS = {"comment": _lazy("Comment"), "reason": _lazy("Reason")}
TASK_TRANSITIONS = frozenset(
    {
        Action.TASK_CREATED,
        Action.TASK_ASSIGNED,
        Action.TASK_STARTED,
        Action.TASK_COMPLETED,
        Action.TASK_CANCELLED,
        Action.TASK_REASSIGNED,
    }
)
LETTER_ACTIONS = frozenset(
    {
        Action.LETTER_ISSUED,
        Action.LETTER_FILED,
        Action.LETTER_DOWNLOADED,
        Action.LETTER_REVOKED,
        Action.LETTER_VERIFIED,
    }
)
ATTACHMENT_ACTIONS = frozenset(
    {Action.ATTACHMENT_ADDED, Action.ATTACHMENT_DOWNLOADED, Action.ATTACHMENT_REMOVED}
)
# Nodes a person works on; every other node (functions, gateways, the end) runs by itself.
HUMAN_TASK_TYPES = frozenset({"HUMAN", "HUMAN_START"})
# Fields that store a list of codes (JSON) and the vocabulary that names them.
LIST_VOCABULARIES = {"problem_categories": ProblemCategory, "services": Service}


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


def _display(model_field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    choices = {}
    if model_field is not None and model_field.choices:
        choices = dict(model_field.flatchoices)
    if model_field is not None and model_field.name in LIST_VOCABULARIES:
        choices = dict(LIST_VOCABULARIES[model_field.name].choices)
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, str) and isinstance(model_field, DateField):
        return _moment(model_field, value)
    if model_field is not None and model_field.name in DIGESTS:
        # Enough of a file's digest to tell it from another; the event keeps all of it.
        return f"{str(value)[:DIGEST_SHOWN]}…"
    return str(choices.get(value, value))


def _moment(model_field: DateField, value: str) -> str:
    """A date or time as the log stored it (ISO text), as people read it; as stored if it is
    not one."""
    try:
        if isinstance(model_field, DateTimeField):
            moment = datetime.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return dateformat.format(moment, "j F Y H:i")
        return dateformat.format(datetime.date.fromisoformat(value), "j F Y")
    except ValueError:
        return value


def readable_changes(object_type: str, changes: Mapping[str, list[Any]]) -> list[Change]:
    """The field changes with the fields' own (translated) labels and choice names."""
    if not changes:
        return []
    try:
        model = apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        model = None
    readable = []
    for name, (before, after) in changes.items():
        try:
            model_field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and model_field.auto_created and not model_field.concrete:
            # The records of another model that point here (a client's household members).
            label = str(model_field.related_model._meta.verbose_name_plural)
            model_field = None
        else:
            label = str(
                model_field.verbose_name
                if model_field is not None
                else CHANGE_LABELS.get(name, name)
            )
        readable.append(Change(label, _display(model_field, before), _display(model_field, after)))
    return readable


def _node(details: Mapping[str, Any]) -> Any:
    step = details.get("step")
    return CaseFlow.instance.node(step, no_obsolete=True) if step else None


def step_title(details: Mapping[str, Any]) -> str:
    node = _node(details)
    return str(node.task_title) if node else ""


@dataclass(frozen=True)
class Step:
    """One thing an action did, as a reader says it: "Task completed: Counseling session"."""

    title: str
    changes: list[Change]
    notes: list[tuple[str, str]]
    comment: str = ""  # what the person wrote: a comment, or the reason they had to give
    comment_label: str = ""
    letter: Letter | None = None
    number: str = ""  # the letter number in the title, kept on one line in the report


@dataclass(frozen=True)
class Line:
    """One action: the event a person caused, and what followed from it by itself."""

    event: AuditEvent
    events: list[AuditEvent]
    when: str
    principal: Step
    steps: list[Step] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.principal.title

    def details_text(self) -> str:
        """The changes and notes, the comment aside, as one plain spreadsheet cell."""
        return _step_text(replace(self.principal, comment=""))

    def steps_text(self) -> str:
        """The automatic steps as one plain spreadsheet cell."""
        parts = []
        for step in self.steps:
            text = _step_text(step)
            parts.append(step.title + (f" ({text})" if text else ""))
        return "; ".join(parts)

    def _where(self) -> SafeString:
        event = self.event
        return format_html(
            '<div class="lk3-where">{} {}{}</div>',
            _("Request"),
            event.request_id[:12] or "—",
            format_html(" · {} {}", _("IP address"), event.ip_address) if event.ip_address else "",
        )

    def details_html(self, link_letters: bool) -> SafeString:
        """The changes, notes and automatic steps, escaped. Built in Python: a template per line
        of a thousand-line report would spend most of its time in the template engine."""
        parts = [_step_body(self.principal, link_letters)]
        if self.steps:
            parts.append(
                format_html(
                    '<div class="lk3-steps"><div class="lk3-steps-title">{}</div>{}</div>',
                    _("Automatic steps"),
                    format_html_join(
                        "",
                        '<div class="lk3-step"><div class="lk3-step-title">{}</div>{}</div>',
                        (
                            (_step_title(step, link_letters), _step_body(step, link_letters))
                            for step in self.steps
                        ),
                    ),
                )
            )
        parts.append(self._where())
        return SafeString("".join(parts))

    @property
    def html_cells(self) -> SafeString:
        """The line's cells on a page: time, who, what, and the details folded under a summary
        that opens without any script."""
        event = self.event
        summary = _("Details")
        if self.steps:
            summary = ngettext(
                "Details and %(count)d automatic step",
                "Details and %(count)d automatic steps",
                len(self.steps),
            ) % {"count": len(self.steps)}
        return format_html(
            '<td class="lk3-when">{}<br><small>#{}</small></td>'
            '<td class="lk3-who">{}{}</td>'
            '<td class="lk3-what">{}</td>'
            '<td class="lk3-details"><details><summary>{}</summary>{}</details></td>',
            self.when,
            event.pk,
            event.actor_name or _("System"),
            format_html("<br><small>{}</small>", event.actor_role) if event.actor_role else "",
            _step_title(self.principal, link_letters=True),
            summary,
            self.details_html(link_letters=True),
        )

    @property
    def report_html(self) -> SafeString:
        """The line in the PDF report, in as few boxes as it can be: WeasyPrint spends its time
        per box and per line of text. On 960 one-event actions, on a busy machine, columns of
        floats or table cells with a block per detail took 28 s; a bold head and one block of
        details takes 4.5 s (1.8 s of CPU), and a case's 1,000 events of real actions 0.7 s of CPU.
        """
        event = self.event
        who = event.actor_name or _("System")
        if event.actor_role:
            who = f"{who} ({event.actor_role})"
        parts = [_step_text(self.principal)]
        if self.steps:
            parts.append(f"{_('Automatic steps')}: {self.steps_text()}")
        if event.request_id:
            parts.append(f"{_('Request')} {event.request_id[:12]}")
        if event.ip_address:
            parts.append(f"{_('IP address')} {event.ip_address}")
        details = self._unbroken_numbers(" · ".join(part for part in parts if part))
        return format_html(
            '<div class="line"><b>{} #{} · {} · {}</b>{}</div>',
            self.when,
            event.pk,
            who,
            self._unbroken_numbers(self.title),
            format_html('<div class="details">{}</div>', details) if details else "",
        )

    def _unbroken_numbers(self, text: str) -> SafeString:
        """The text escaped, its letter numbers kept whole: a number cut at a slash across two
        lines of a report can no longer be read or searched as one."""
        escaped = conditional_escape(text)
        for number in {step.number for step in (self.principal, *self.steps) if step.number}:
            number = conditional_escape(number)
            escaped = escaped.replace(number, f'<span class="nowrap">{number}</span>')
        return mark_safe(escaped)  # escaped above, and the numbers with it


def _step_title(step: Step, link_letters: bool) -> SafeString:
    if step.letter is not None and link_letters:
        url = reverse("letter_download", args=[step.letter.pk])
        return format_html('<a href="{}">{}</a>', url, step.title)
    return format_html("{}", step.title)


def _notes(step: Step) -> list[tuple[str, str]]:
    return [*step.notes, *([(step.comment_label, step.comment)] if step.comment else [])]


def _step_text(step: Step) -> str:
    changes = [f"{c.label}: {c.before} → {c.after}" for c in step.changes]
    return "; ".join(changes + [f"{label}: {text}" for label, text in _notes(step)])


def _step_body(step: Step, link_letters: bool) -> SafeString:
    changes = format_html_join(
        "",
        '<div class="lk3-change"><strong>{}</strong>: {} → {}</div>',
        ((c.label, c.before, c.after) for c in step.changes),
    )
    notes = format_html_join(
        "", '<div class="lk3-note">{}: {}</div>', ((label, text) for label, text in _notes(step))
    )
    return SafeString(changes + notes)


class _Vocabulary:
    """Names resolved once per page: a model's get_FOO_display() rebuilds its choices per call.

    `withheld_notes` are the notes whose text the reader may not read: their events show what
    was recorded in clear (that a confidential note was added), never the text.
    """

    def __init__(self, withheld_notes: frozenset[int] = frozenset()) -> None:
        self.actions = {value: str(label) for value, label in Action.choices}
        self.letter_kinds = {value: str(label) for value, label in LetterKind.choices}
        self.attachment_kinds = {value: str(label) for value, label in AttachmentKind.choices}
        self.contact_kinds = {value: str(label) for value, label in ContactKind.choices}
        self.months = [str(name) for name in MONTHS.values()]
        self.withheld_notes = withheld_notes

    def withholds(self, object_type: str, object_id: str) -> bool:
        return object_type == NOTE_MODEL and _int(object_id) in self.withheld_notes

    def when(self, moment: datetime.datetime) -> str:
        local = timezone.localtime(moment)
        return f"{local.day} {self.months[local.month - 1]} {local.year} {local:%H:%M:%S}"

    def step(
        self,
        action: str,
        object_type: str,
        object_id: str,
        details: Mapping[str, Any],
        letters: Mapping[int, Letter],
        changes: Mapping[str, list[Any]],
        withheld: bool = False,
    ) -> Step:
        label = self.actions.get(action, _("Other action"))
        letter = letters.get(_int(object_id)) if object_type == LETTER_MODEL else None
        subject = number = ""
        if action in TASK_TRANSITIONS:
            subject = step_title(details)
        elif action in LETTER_ACTIONS:
            number = details.get("number") or (letter.number if letter else "")
            kind = self.letter_kinds.get(details.get("kind") or (letter.kind if letter else ""))
            subject = f"{number} ({kind})" if number and kind else number
        elif action in ATTACHMENT_ACTIONS:
            subject = self.attachment_kinds.get(details.get("kind", ""), "")
        elif action == Action.EXPORTED and details.get("format"):
            subject = str(details["format"]).upper()
        elif action in (Action.PERMISSION_GRANTED, Action.PERMISSION_REVOKED):
            subject = details.get("user", "")
        elif action == Action.CONTACT_LOGGED and "kind" in changes:
            subject = self.contact_kinds.get(changes["kind"][1], "")
        notes = [
            (str(name), str(details[k])) for k, name in DETAIL_LABELS.items() if details.get(k)
        ]
        if withheld:
            notes.append(
                (
                    _("Text"),
                    _(
                        "withheld: a confidential note is read only by the case's counselor and "
                        "the heads"
                    ),
                )
            )
        if action in LETTER_ACTIONS and details.get("replaced_by"):
            notes.append((_("Replaced by"), str(details["replaced_by"])))
        said = next(((k, str(details[k])) for k in COMMENT_LABELS if details.get(k)), ("", ""))
        return Step(
            f"{label}: {subject}" if subject else label,
            readable_changes(object_type, changes),
            notes,
            said[1],
            str(COMMENT_LABELS[said[0]]) if said[0] else "",
            letter,
            number,
        )

    def event_step(self, event: AuditEvent, letters: Mapping[int, Letter]) -> Step:
        withheld = self.withholds(event.object_type, event.object_id)
        return self.step(
            event.action,
            event.object_type,
            event.object_id,
            event.details,
            letters,
            _clear_changes(event.details) if withheld else personal.readable_changes_of(event),
            withheld,
        )

    def effect_steps(self, event: AuditEvent, letters: Mapping[int, Letter]) -> list[Step]:
        steps = []
        for effect in _effects(event):
            object_type = effect.get("object_type", "")
            object_id = str(effect.get("object_id", ""))
            details = effect.get("details") or {}
            withheld = self.withholds(object_type, object_id)
            changes = _clear_changes(details) if withheld else personal.revealed_changes(details)
            steps.append(
                self.step(
                    effect.get("action", ""),
                    object_type,
                    object_id,
                    details,
                    letters,
                    changes,
                    withheld,
                )
            )
        return steps


def _clear_changes(details: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The changes an event recorded in clear, without decrypting the personal ones."""
    return dict(details.get("changes", {}))


def _object_ids(events: list[AuditEvent], object_type: str) -> set[int]:
    """Ids of the objects of that type the events and their effects are about."""
    ids = {_int(e.object_id) for e in events if e.object_type == object_type}
    ids |= {
        _int(effect.get("object_id"))
        for event in events
        for effect in _effects(event)
        if effect.get("object_type") == object_type
    }
    ids.discard(None)
    return ids


def _withheld_notes(events: list[AuditEvent], reader: AbstractBaseUser | None) -> frozenset[int]:
    """The notes in these events whose text the reader may not read, in one query (or none)."""
    note_ids = _object_ids(events, NOTE_MODEL)
    if not note_ids:
        return frozenset()
    readable: set[int] = set()
    if reader is not None:
        notes = case_notes_readable_by(reader, CaseNote.objects.filter(pk__in=note_ids))
        readable = set(notes.values_list("pk", flat=True))
    return frozenset(note_ids - readable)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _effects(event: AuditEvent) -> list[dict[str, Any]]:
    effects = event.details.get("effects")
    return [effect for effect in effects if isinstance(effect, dict)] if effects else []


def _is_human_task(event: AuditEvent) -> bool:
    node = _node(event.details)
    return node is not None and node.task_type in HUMAN_TASK_TYPES


def _principal(events: list[AuditEvent]) -> AuditEvent:
    """The event that says what the person did: a return with its comment before the task it
    returned, a completed task before the case changes, letters and task transitions it caused."""
    for wanted in (
        lambda e: e.action == Action.TASK_RETURNED,
        lambda e: e.action == Action.TASK_COMPLETED and _is_human_task(e),
        lambda e: e.action not in TASK_TRANSITIONS,
    ):
        for event in events:
            if wanted(event):
                return event
    return events[0]


def _named_return(step: Step, principal: AuditEvent, group: list[AuditEvent]) -> Step:
    """A return names the task it returned: the step its event was recorded in, or (for events
    written one per transition) the human task completed beside it."""
    if principal.action != Action.TASK_RETURNED:
        return step
    title = step_title(principal.details)
    if not title:
        returned = next(
            (e for e in group if e.action == Action.TASK_COMPLETED and _is_human_task(e)), None
        )
        title = step_title(returned.details) if returned else ""
    return replace(step, title=f"{step.title}: {title}") if title else step


def _group_key(position: int, case_id: int | None, request_id: str) -> tuple[Any, ...]:
    """Events of one request and one case make one line; an event without request stands alone."""
    return (case_id, request_id) if request_id else (position,)


def _groups(events: Iterable[AuditEvent]) -> Iterator[list[AuditEvent]]:
    group: list[AuditEvent] = []
    key: tuple[Any, ...] | None = None
    for event in events:
        event_key = _group_key(event.pk, event.case_id, event.request_id)
        if group and event_key != key:
            yield group
            group = []
        group.append(event)
        key = event_key
    if group:
        yield group


def lines(events: Iterable[AuditEvent], reader: AbstractBaseUser | None = None) -> list[Line]:
    """The events as readable lines, in two queries however many: the events and their letters
    (and a third when they are about notes, to ask which of them `reader` may read; without a
    reader, none).
    """
    events = list(events)
    letter_ids = _object_ids(events, LETTER_MODEL)
    letters = Letter.objects.in_bulk(letter_ids) if letter_ids else {}
    vocabulary = _Vocabulary(_withheld_notes(events, reader))
    result = []
    for group in _groups(events):
        principal = _principal(group)
        steps = vocabulary.effect_steps(principal, letters)
        for event in group:
            if event is not principal:
                steps.append(vocabulary.event_step(event, letters))
                steps.extend(vocabulary.effect_steps(event, letters))
        result.append(
            Line(
                principal,
                group,
                vocabulary.when(principal.occurred_at),
                _named_return(vocabulary.event_step(principal, letters), principal, group),
                steps,
            )
        )
    return result


@dataclass(frozen=True)
class TimelinePage:
    page: Page
    lines: list[Line]


def timeline_page(
    events: QuerySet,
    number: Any,
    per_page: int = LINES_PER_PAGE,
    reader: AbstractBaseUser | None = None,
) -> TimelinePage:
    """One page of lines, in three queries however long the history.

    Lines are counted on the events' positions and request ids alone; only the page's events are
    read whole.
    """
    bounds: list[tuple[int, int]] = []
    key: tuple[Any, ...] | None = None
    for position, case_id, request_id in events.values_list("pk", "case_id", "request_id"):
        event_key = _group_key(position, case_id, request_id)
        if bounds and event_key == key:
            bounds[-1] = (bounds[-1][0], position)
        else:
            bounds.append((position, position))
        key = event_key
    page = Paginator(bounds, per_page, allow_empty_first_page=True).get_page(number)
    if not page.object_list:
        return TimelinePage(page, [])
    first, last = page.object_list[0][0], page.object_list[-1][1]
    return TimelinePage(page, lines(events.filter(pk__range=(first, last)), reader))


def export_lines(
    events: QuerySet, chunk: int = 500, reader: AbstractBaseUser | None = None
) -> Iterator[Line]:
    """Every line of the events, read a chunk at a time so that an export streams.

    A chunk ends only where a line does, so that no line is cut in two.
    """
    pending: list[AuditEvent] = []
    for event in events.iterator(chunk_size=chunk):
        if len(pending) >= chunk and _group_key(
            event.pk, event.case_id, event.request_id
        ) != _group_key(pending[-1].pk, pending[-1].case_id, pending[-1].request_id):
            yield from lines(pending, reader)
            pending = []
        pending.append(event)
    if pending:
        yield from lines(pending, reader)
