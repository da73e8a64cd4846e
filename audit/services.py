"""Appending to the audit log, in the transaction of the change it records."""

import json
import threading
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from permissions.roles import ROLES

from . import context
from .chain import GENESIS, content_of, link_hash
from .models import Action, AuditEvent, ChainHead


def role_of(user: Any) -> str:
    """The role names a person holds now, as the event will remember them."""
    if user is None:
        return ""
    cached = getattr(user, "_lk3_role_names", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = ", ".join(role.group_name for role in ROLES if role.group_name in names)
        user._lk3_role_names = cached
    return cached


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    """Exactly what the database will give back, so that the hash can be checked later."""
    return json.loads(json.dumps(details, default=str))


# The chain head this thread last wrote: a hint that saves reading the head again for the next
# event, typically the next transition of the same task completion. It is never trusted: the head
# only moves if it still is exactly this link (see `_append`).
_last_written = threading.local()


@transaction.atomic(savepoint=False)
def record(
    action: Action,
    *,
    case: Any = None,
    case_id: int | None = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    actor: Any = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event about `case` (or the case with `case_id`), in the current transaction."""
    circumstances = context.current()
    actor = actor if actor is not None else circumstances.actor
    if actor is not None and not actor.is_authenticated:
        actor = None
    values = {
        "occurred_at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_name": (actor.get_full_name() or actor.get_username()) if actor else actor_name,
        "actor_role": role_of(actor),
        "action": str(action),
        "case_id": case.pk if case is not None else case_id,
        "object_type": obj._meta.label if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_label": str(obj)[:200] if obj is not None else "",
        "details": _json_safe(details or {}),
        "request_id": circumstances.request_id,
        "ip_address": circumstances.ip_address,
    }
    return _append(values)


def _append(values: dict[str, Any]) -> AuditEvent:
    """Link the event to the chain head and move the head to it.

    Appends are serialised by the head row: moving it locks it until the transaction ends. The
    head is moved only from the link this thread last wrote, if the head still is that link
    (compare-and-set); when another transaction has appended since, or a rollback took this
    thread's last event away, nothing moves and the head is read under a lock instead.
    """
    known: tuple[int, str] | None = getattr(_last_written, "head", None)
    position, previous_hash, event_hash = 0, "", ""
    if known is not None:
        position, previous_hash = known[0] + 1, known[1]
        event_hash = link_hash(previous_hash, content_of({**values, "position": position}))
        moved = ChainHead.objects.filter(pk=1, count=known[0], hash=known[1]).update(
            count=position, hash=event_hash
        )
    if known is None or not moved:
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            ChainHead.objects.get_or_create(pk=1, defaults={"hash": GENESIS})
            head = ChainHead.objects.select_for_update().get(pk=1)
        position, previous_hash = head.count + 1, head.hash
        event_hash = link_hash(previous_hash, content_of({**values, "position": position}))
        ChainHead.objects.filter(pk=1).update(count=position, hash=event_hash)
    event = AuditEvent.objects.create(
        position=position, previous_hash=previous_hash, hash=event_hash, **values
    )
    _last_written.head = (position, event_hash)
    return event


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {name: [old, after[name]] for name, old in before.items() if after[name] != old}
