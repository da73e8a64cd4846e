"""The hash chain: each event's hash covers its content and the hash before it."""

import datetime
import hashlib
import json
import json.encoder
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
_encode = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str).encode
if json.encoder.c_make_encoder is not None:
    # The C encoder that `_encode` builds anew on every call, built once, with the same options
    # (no check for circular references: content read from the database has none). Verification
    # spends most of its time encoding, and a third of that went on building the encoder.
    _c_iterencode = json.encoder.c_make_encoder(
        None, str, json.encoder.encode_basestring_ascii, None, ":", ",", True, False, True
    )

    def _encode(value: Any) -> str:
        return "".join(_c_iterencode(value, 0))


def timestamp_text(moment: datetime.datetime) -> str:
    """A time as the hash covers it: UTC, ISO 8601 with microseconds.

    The sealer and verification have the database write times in this form (`content_columns`),
    because parsing a timestamp per row costs more than hashing the row.
    """
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(content: Sequence[Any]) -> bytes:
    """The event's fields, in CHAINED_FIELDS order, as compact JSON with sorted object keys."""
    return _encode(list(content)).encode()


def link_hash(previous_hash: str, content: Sequence[Any]) -> str:
    return hashlib.sha256(previous_hash.encode() + canonical(content)).hexdigest()


def content_of(values: dict[str, Any]) -> list[Any]:
    """The chained fields of an event about to be written, its time as `timestamp_text`."""
    return [
        timestamp_text(values[name]) if name == "occurred_at" else values[name]
        for name in CHAINED_FIELDS
    ]
