"""Appending to the audit log, in the transaction of the change it records."""

import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from permissions.roles import ROLES

from . import context, sealing
from .models import Action, AuditEvent


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
    """Write the event and queue it for the sealer, in the caller's transaction.

    No lock and no read of the chain head: `sealing.seal_pending` links the event after commit.
    """
    return sealing.enqueue(values)


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {name: [old, after[name]] for name, old in before.items() if after[name] != old}
