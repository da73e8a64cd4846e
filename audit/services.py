"""Appending to the audit log, in the transaction of the change it records.

A person's action (a session recorded, an approval, a registration) is one event: everything it
causes on the way (task transitions, letters, field changes, nested services) is recorded into the
open `action(...)` as one of its effects rather than as an event of its own.
"""

import contextlib
import contextvars
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import context, sealing
from .models import Action, AuditEvent

# Attribute under which an actor's role names are kept for the rest of their request.
_ROLE_CACHE = "_audit_role_names"


@cache
def _role_resolver() -> Callable[[Any], str] | None:
    """The function that names a person's roles, from the setting `AUDIT_ROLE_RESOLVER`.

    The roles are the domain's; the log only remembers what that function answers, so that the
    audit core depends on nothing of the application above it.
    """
    dotted = getattr(settings, "AUDIT_ROLE_RESOLVER", "")
    return import_string(dotted) if dotted else None


def role_of(user: Any) -> str:
    """The role names a person holds now, as the event will remember them."""
    if user is None:
        return ""
    cached = getattr(user, _ROLE_CACHE, None)
    if cached is None:
        resolver = _role_resolver()
        cached = resolver(user) if resolver is not None else ""
        setattr(user, _ROLE_CACHE, cached)
    return cached


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    """Exactly what the database will give back, so that the hash can be checked later."""
    return json.loads(json.dumps(details, default=str))


@dataclass
class ActionRecord:
    """The action being performed; its case, object and details may be settled inside it."""

    kind: str
    case_id: int | None = None
    obj: models.Model | None = None
    label: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    actor: Any = None
    actor_name: str = ""  # who acted when nobody is logged in (a failed login's typed name)
    effects: list[dict[str, Any]] = field(default_factory=list)
    principal_folded: bool = False


# The innermost open action of this thread or task: requests are served on threads, each with
# its own context.
_open_action: contextvars.ContextVar[ActionRecord | None] = contextvars.ContextVar(
    "lk3_audit_open_action", default=None
)


def current_action() -> ActionRecord | None:
    """The innermost action open here, if any."""
    return _open_action.get()


def _object_fields(obj: models.Model | None, label: str) -> dict[str, str]:
    if obj is None:
        return {"object_type": "", "object_id": "", "object_label": label[:200]}
    return {
        "object_type": obj._meta.label,
        "object_id": str(obj.pk),
        "object_label": (label or str(obj))[:200],
    }


def _same_object(a: models.Model | None, b: models.Model | None) -> bool:
    return a is not None and b is not None and a._meta.label == b._meta.label and a.pk == b.pk


def _fold(into: ActionRecord, done: ActionRecord) -> None:
    """`done` happened as part of `into`: keep it as one of its effects.

    The first record of the action's own kind about the action's object (or about anything,
    when the action names no object yet) is the action itself, told by the service that made the
    change: its details join the action's top level instead, as one event's always did.
    """
    if (
        not into.principal_folded
        and done.kind == into.kind
        and not done.effects
        and (into.obj is None or _same_object(into.obj, done.obj))
    ):
        into.principal_folded = True
        into.details = {**done.details, **into.details}
        into.obj = into.obj or done.obj
        into.label = into.label or done.label
        into.case_id = into.case_id if into.case_id is not None else done.case_id
        return
    details = dict(done.details)
    if done.effects:
        details["effects"] = done.effects
    shown = _object_fields(done.obj, done.label)
    effect: dict[str, Any] = {
        "action": done.kind,
        "object_type": shown["object_type"],
        "object_id": shown["object_id"],
        "label": shown["object_label"],
        "details": details,
    }
    if done.case_id is not None and done.case_id != into.case_id:
        effect["case_id"] = done.case_id
    acted_by = getattr(done.actor, "pk", None)
    action_actor = into.actor if into.actor is not None else context.current().actor
    if acted_by is not None and acted_by != getattr(action_actor, "pk", None):
        effect["actor_id"] = acted_by
    into.effects.append(effect)


def _write(done: ActionRecord) -> AuditEvent:
    circumstances = context.current()
    actor = done.actor if done.actor is not None else circumstances.actor
    if actor is not None and not actor.is_authenticated:
        actor = None
    details = dict(done.details)
    if done.effects:
        details["effects"] = done.effects
    values = {
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_name": (actor.get_full_name() or actor.get_username()) if actor else done.actor_name,
        "actor_role": role_of(actor),
        "action": str(done.kind),
        "case_id": done.case_id,
        **_object_fields(done.obj, done.label),
        "details": _json_safe(details),
        "request_id": circumstances.request_id,
        "ip_address": circumstances.ip_address,
    }
    with transaction.atomic(savepoint=False):
        return _append(values)


@contextlib.contextmanager
def action(
    kind: Action | str,
    *,
    case: Any = None,
    case_id: int | None = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    actor: Any = None,
    label: str = "",
) -> Iterator[ActionRecord]:
    """One person's action, recorded as a single event when it ends without an error.

    Whatever is recorded while it is open becomes one of its effects; an action opened inside
    another is one effect of the outer one. On an error nothing is written: the transaction of
    the change rolls back anyway, and a half-done action has nothing to tell. Like `record`, it
    takes no savepoint: code that goes on after catching an error from inside it must hold one
    around it (`with transaction.atomic(), action(...)`).
    """
    current = ActionRecord(
        kind=str(kind),
        case_id=case.pk if case is not None else case_id,
        obj=obj,
        label=label,
        details=dict(details or {}),
        actor=actor,
    )
    outer = _open_action.get()
    # One transaction for the change and its event, as for every event: an action opened
    # outside any transaction starts one.
    with transaction.atomic(savepoint=False):
        token = _open_action.set(current)
        try:
            yield current
        finally:
            _open_action.reset(token)
        if outer is not None:
            _fold(outer, current)
        else:
            _write(current)


def record(
    action: Action,
    *,
    case: Any = None,
    case_id: int | None = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    actor: Any = None,
    actor_name: str = "",
    label: str = "",
    names_action: bool = False,
) -> AuditEvent | None:
    """Append one event about `case` (or the case with `case_id`), in the current transaction.

    Inside an open action it is one of that action's effects instead, and nothing is returned;
    or, with `names_action`, it says what the action came to (a step "completed" that in fact
    returned a proposal): the action takes its kind and its details.
    """
    done = ActionRecord(
        kind=str(action),
        case_id=case.pk if case is not None else case_id,
        obj=obj,
        label=label,
        details=dict(details or {}),
        actor=actor,
        actor_name=actor_name,
    )
    outer = _open_action.get()
    if outer is not None and names_action:
        outer.kind = done.kind
        outer.details = {**done.details, **outer.details}
        return None
    if outer is not None:
        _fold(outer, done)
        return None
    return _write(done)


def _append(values: dict[str, Any]) -> AuditEvent:
    """Write the event and queue it for the sealer, in the caller's transaction.

    No lock and no read of the chain head: `sealing.seal_pending` links the event after commit.
    """
    return sealing.enqueue(values)


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {name: [old, after[name]] for name, old in before.items() if after[name] != old}
