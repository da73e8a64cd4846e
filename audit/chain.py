"""The hash chain: each event's hash covers its content and the hash before it."""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "position",
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "case_id",
    "object_type",
    "object_id",
    "object_label",
    "details",
    "request_id",
    "ip_address",
)
_OCCURRED_AT = CHAINED_FIELDS.index("occurred_at")
_encode = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str).encode


def canonical(content: Sequence[Any]) -> bytes:
    """The event's fields, in CHAINED_FIELDS order, as compact JSON with sorted object keys."""
    items = list(content)
    items[_OCCURRED_AT] = items[_OCCURRED_AT].isoformat(timespec="microseconds")
    return _encode(items).encode()


def link_hash(previous_hash: str, content: Sequence[Any]) -> str:
    return hashlib.sha256(previous_hash.encode() + canonical(content)).hexdigest()


def content_of(values: dict[str, Any]) -> list[Any]:
    return [values[name] for name in CHAINED_FIELDS]
