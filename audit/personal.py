"""Personal data in the audit log, encrypted with a key per data subject that erasure destroys.

The log can never be rewritten, so a person's values go into it only encrypted (AES-256-GCM) with a
key of their own. Erasing the person destroys that key: the events stay as they were, the chain
still verifies, and what they encrypted can no longer be read by anyone. Readers are told when, by
whom and why instead.

Subject keys are stored wrapped by a key-encryption key (`AUDIT_KEY_ENCRYPTION_KEY`, or one
derived from SECRET_KEY when it is unset): a copy of the database alone does not open them.

A subject is an opaque string the caller chooses ("client:12"); this module knows nothing of
what it names. Events written before this encryption existed hold values in clear: the domain
declares which of their fields are personal and whose they are (`declare_clear_fields`), and
once the subject is erased, readers mask those values too.
"""

import base64
import datetime
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from .models import Action, AuditEvent, SubjectKey
from .services import record

ENVELOPE = "personal"  # the key of `details` that holds an event's encrypted personal values
VERSION = 1
_NONCE_BYTES = 12
_KEY_BYTES = 32


@dataclass(frozen=True)
class Erased:
    """What a reader sees in place of values whose key was destroyed."""

    erased_at: datetime.datetime
    erased_by: str
    reason: str

    @property
    def text(self) -> str:
        day = dateformat.format(timezone.localtime(self.erased_at), "j F Y")
        return _("erased on %(date)s by %(name)s, reason: %(reason)s") % {
            "date": day,
            "name": self.erased_by or "—",
            "reason": self.reason,
        }

    def __str__(self) -> str:
        return self.text


# Keys.


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _derive(secret: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None, info=b"lk3-audit-subject-keys"
    ).derive(secret.encode())


def _key_encryption_keys() -> list[tuple[str, bytes]]:
    """(id, key) for every key-encryption key that may have wrapped a stored key, newest first.

    The first one wraps new keys. SECRET_KEY and its fallbacks stay on the list after
    AUDIT_KEY_ENCRYPTION_KEY is set, so keys wrapped before it was set still open.
    """
    secrets = [
        getattr(settings, "AUDIT_KEY_ENCRYPTION_KEY", ""),
        *getattr(settings, "AUDIT_KEY_ENCRYPTION_KEY_FALLBACKS", []),
        settings.SECRET_KEY,
        *settings.SECRET_KEY_FALLBACKS,
    ]
    keys = []
    for secret in dict.fromkeys(secret for secret in secrets if secret):
        key = _derive(secret)
        keys.append((hashlib.sha256(key).hexdigest()[:16], key))
    return keys


def _new_wrapped_key(subject: str) -> tuple[bytes, str]:
    kek_id, kek = _key_encryption_keys()[0]
    nonce = os.urandom(_NONCE_BYTES)
    wrapped = AESGCM(kek).encrypt(nonce, AESGCM.generate_key(256), subject.encode())
    return nonce + wrapped, kek_id


def _unwrap(row: SubjectKey) -> bytes:
    by_id = dict(_key_encryption_keys())
    if row.kek_id not in by_id:
        raise ImproperlyConfigured(
            f"The key of {row.subject} was wrapped by a key-encryption key that is not "
            "configured (AUDIT_KEY_ENCRYPTION_KEY, its fallbacks, SECRET_KEY_FALLBACKS)."
        )
    wrapped = bytes(row.wrapped_key)
    nonce, encrypted = wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:]
    return AESGCM(by_id[row.kek_id]).decrypt(nonce, encrypted, row.subject.encode())


def _key_row(subject: str) -> SubjectKey:
    """The subject's key, made on first use in the caller's transaction.

    Two transactions may make the first key of one subject at once: the unique subject lets one
    insert win, and the other, waiting on it, then reads the winner's row instead.
    """
    row = SubjectKey.objects.filter(subject=subject).first()
    if row is not None:
        return row
    wrapped, kek_id = _new_wrapped_key(subject)
    try:
        with transaction.atomic():
            return SubjectKey.objects.create(subject=subject, wrapped_key=wrapped, kek_id=kek_id)
    except IntegrityError:
        return SubjectKey.objects.get(subject=subject)


def is_erased(subject: str) -> bool:
    return SubjectKey.objects.filter(subject=subject, erased_at__isnull=False).exists()


# Protecting and revealing.


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _sides(value: Any) -> list[bool]:
    """Which sides of a change [before, after] held a value; a plain value counts as after."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return [_present(side) for side in value]
    return [False, True]


def protect(subject: str, data: dict[str, Any]) -> dict[str, Any]:
    """A JSON-safe envelope encrypting `data` (a dict of field changes) with the subject's key.

    The field names, and which side of each change held a value, stay readable: they tell a
    reader of an erased event which fields it had, and they are no one's personal data.
    """
    row = _key_row(subject)
    if row.erased_at is not None:
        raise ValidationError(
            _("The personal data of this person were erased; nothing more can be recorded.")
        )
    nonce = os.urandom(_NONCE_BYTES)
    plain = json.dumps(data, default=str, sort_keys=True).encode()
    return {
        "v": VERSION,
        "subject": subject,
        "key": row.pk,
        "nonce": _b64(nonce),
        "ciphertext": _b64(AESGCM(_unwrap(row)).encrypt(nonce, plain, subject.encode())),
        "fields": {name: _sides(value) for name, value in data.items()},
    }


def _erasure_of(row: SubjectKey) -> Erased:
    return Erased(row.erased_at, row.erased_by_name, row.erasure_reason)


def reveal(envelope: dict[str, Any]) -> dict[str, Any] | Erased:
    """The encrypted data, or, once its subject is erased, who erased it, when and why."""
    row = SubjectKey.objects.get(pk=envelope["key"], subject=envelope["subject"])
    if row.erased_at is not None or row.wrapped_key is None:
        return _erasure_of(row)
    try:
        plain = AESGCM(_unwrap(row)).decrypt(
            _unb64(envelope["nonce"]), _unb64(envelope["ciphertext"]), row.subject.encode()
        )
    except InvalidTag as error:
        raise ValueError(f"The encrypted data of {row.subject} do not decrypt.") from error
    return json.loads(plain)


def protect_changes(
    subject: str, changes: dict[str, list[Any]], personal: Iterable[str]
) -> dict[str, Any]:
    """Event details for `changes`: the personal fields encrypted, the others in clear."""
    personal = set(personal)
    hidden = {name: pair for name, pair in changes.items() if name in personal}
    details: dict[str, Any] = {
        "changes": {name: pair for name, pair in changes.items() if name not in personal}
    }
    if hidden:
        details[ENVELOPE] = protect(subject, hidden)
    return details


# Events from before this encryption.


@dataclass(frozen=True)
class ClearFields:
    fields: frozenset[str]
    subject_of: Callable[[AuditEvent], str | None]


_clear_fields: dict[str, ClearFields] = {}


def declare_clear_fields(
    object_type: str, fields: Iterable[str], subject_of: Callable[[AuditEvent], str | None]
) -> None:
    """Name the personal fields that events about `object_type` held in clear, and their subject.

    Called by the app that owns the objects (in its AppConfig.ready): this module cannot know.
    """
    _clear_fields[object_type] = ClearFields(frozenset(fields), subject_of)


def _masked(pair: list[Any], erased: Erased) -> list[Any]:
    return [erased if _present(value) else value for value in pair]


def _erasure_of_clear_values(event: AuditEvent, changes: dict[str, Any]) -> Erased | None:
    declared = _clear_fields.get(event.object_type)
    if declared is None or not declared.fields.intersection(changes):
        return None
    subject = declared.subject_of(event)
    row = SubjectKey.objects.filter(subject=subject, erased_at__isnull=False).first()
    return _erasure_of(row) if row is not None else None


def revealed_changes(details: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} of an event's or an effect's details: encrypted values decrypted,
    erased ones as `Erased`, clear ones as they are."""
    changes = dict(details.get("changes", {}))
    envelope = details.get(ENVELOPE)
    if envelope is None:
        return changes
    revealed = reveal(envelope)
    if isinstance(revealed, Erased):
        hidden = {
            name: [revealed if present else None for present in sides]
            for name, sides in envelope["fields"].items()
        }
    else:
        hidden = revealed
    return {**hidden, **changes}


def readable_changes_of(event: AuditEvent) -> dict[str, list[Any]]:
    """`revealed_changes` of the event; an event from before encryption held its values in
    clear, and those of an erased subject read as `Erased` too."""
    if ENVELOPE in event.details:
        return revealed_changes(event.details)
    changes = dict(event.details.get("changes", {}))
    erased = _erasure_of_clear_values(event, changes)
    if erased is None:
        return changes
    personal = _clear_fields[event.object_type].fields
    return {
        name: _masked(pair, erased) if name in personal else pair for name, pair in changes.items()
    }


# Erasure.


@transaction.atomic
def _erase_key(subject: str, *, actor: Any, reason: str) -> SubjectKey:
    row, _created = SubjectKey.objects.select_for_update().get_or_create(subject=subject)
    if row.erased_at is not None:
        raise ValidationError(_("The personal data of this person were already erased."))
    row.wrapped_key = None
    row.erased_at = timezone.now()
    row.erased_by = actor
    row.erased_by_name = actor.get_full_name() or actor.get_username()
    row.erasure_reason = reason
    row.save()
    return row


def erase(
    subject: str,
    *,
    actor: Any,
    reason: str,
    details: dict[str, Any] | None = None,
    same_person: Iterable[str] = (),
    **event: Any,
) -> SubjectKey:
    """Destroy the subject's key and record that it was done, by whom and why.

    A subject that never had a key (all their events predate this encryption) gets an erased row all
    the same: it is what tells readers to mask their clear values. `same_person` are other
    subjects of the same person (records merged into theirs) whose keys go too, in the same
    event. `event` goes to the erasure event (`obj`, `case`...), `details` beside the subject and
    the reason: the caller's references, never personal values.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("A reason for the erasure is required."))
    row = _erase_key(subject, actor=actor, reason=reason)
    also = [_erase_key(other, actor=actor, reason=reason).subject for other in same_person]
    if also:
        details = {**(details or {}), "same_person": also}
    record(
        Action.PERSONAL_DATA_ERASED,
        actor=actor,
        details={**(details or {}), "subject": subject, "key": row.pk, "reason": reason},
        **event,
    )
    return row
