"""The hash chain: each event's hash covers its content and the hash before it."""

import hashlib
import json
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


def canonical(values: dict[str, Any]) -> bytes:
    content = {name: values[name] for name in CHAINED_FIELDS}
    content["occurred_at"] = values["occurred_at"].isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def link_hash(previous_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(previous_hash.encode() + canonical(values)).hexdigest()
