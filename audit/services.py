"""Appending to the audit log, in the transaction of the change it records."""

import json
import threading
from typing import Any, NamedTuple

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


# The chain head this thread's transaction last wrote: a hint that saves reading the head again
# for the next event of the transaction, typically the next transition of a task completion.
# Forgotten at commit, when other connections may append. It is never trusted: the head only moves
# if it still is exactly this link (see `_append`).
_last_written = threading.local()


def _forget_last_written() -> None:
    _last_written.head = None


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


class Link(NamedTuple):
    position: int
    previous_hash: str
    hash: str


def _link_after(count: int, head_hash: str, values: dict[str, Any]) -> Link:
    position = count + 1
    return Link(
        position, head_hash, link_hash(head_hash, content_of({**values, "position": position}))
    )


def _append(values: dict[str, Any]) -> AuditEvent:
    """Link the event to the chain head and move the head to it.

    Appends are serialised by the head row: moving it locks it until the transaction ends.
    """
    link = _move_head_from_last_written(values) or _move_head_under_lock(values)
    event = AuditEvent.objects.create(
        position=link.position, previous_hash=link.previous_hash, hash=link.hash, **values
    )
    _last_written.head = (link.position, link.hash)
    transaction.on_commit(_forget_last_written)
    return event


def _move_head_from_last_written(values: dict[str, Any]) -> Link | None:
    """Compare-and-set: move the head only if it still is the link this transaction last wrote.

    Nothing moves when there is no such link, or when a rollback took it away.
    """
    known: tuple[int, str] | None = getattr(_last_written, "head", None)
    if known is None:
        return None
    link = _link_after(*known, values)
    moved = ChainHead.objects.filter(pk=1, count=known[0], hash=known[1]).update(
        count=link.position, hash=link.hash
    )
    return link if moved else None


def _move_head_under_lock(values: dict[str, Any]) -> Link:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1, defaults={"hash": GENESIS})
        head = ChainHead.objects.select_for_update().get(pk=1)
    link = _link_after(head.count, head.hash, values)
    ChainHead.objects.filter(pk=1).update(count=link.position, hash=link.hash)
    return link


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {name: [old, after[name]] for name, old in before.items() if after[name] != old}
