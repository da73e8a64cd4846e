"""Writes of notes and contacts: each one step a person takes, audited in its transaction.

Entries are never changed afterwards (a correction is a new entry). Their texts go into the
audit log encrypted with the client's key, as the client's own data do, so that erasing the
client makes them unreadable there too.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import personal
from audit import services as audit
from audit.models import Action
from lk3_flow import personal_data
from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case, Client
from permissions.selectors import may_keep_case_notes

from .models import CaseNote, ContactEntry


def _writable_case(actor: AbstractBaseUser, case: Case) -> Case:
    """The case, locked with its client, once it is known to take an entry from the actor.

    The client's row is the one the erasure locks: an entry cannot slip in beside an erasure
    and keep its text after the erasure blanked the others. The client first, then the case,
    in the erasure's order, so that the two never wait for each other in a circle.
    """
    client_id = Case.objects.values_list("client_id", flat=True).get(pk=case.pk)
    Client.objects.select_for_update().only("pk").get(pk=client_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not may_keep_case_notes(actor, case):
        raise PermissionDenied(_("Only a head or the case's counselor may add notes and contacts."))
    if personal.is_erased(personal_data.subject(case.client_id)):
        raise ValidationError(_("The personal data of this client were erased."))
    if case.status != CaseStatus.OPEN:
        raise ValidationError(
            _("This case is no longer open: its notes and contacts can be read, not added to.")
        )
    return case


def _record(
    action: Action,
    actor: AbstractBaseUser,
    case: Case,
    entry: CaseNote | ContactEntry,
    values: dict[str, Any],
) -> None:
    """The entry's event: its personal texts encrypted with the client's key, the rest clear."""
    created = {name: [None, value] for name, value in values.items()}
    details = personal.protect_changes(
        personal_data.subject(case.client_id), created, entry.PERSONAL_FIELDS
    )
    audit.record(action, actor=actor, case=case, obj=entry, details=details)


@transaction.atomic
def add_note(
    *, actor: AbstractBaseUser, case: Case, text: str, confidential: bool = False
) -> CaseNote:
    case = _writable_case(actor, case)
    note = CaseNote(case=case, author=actor, text=text, confidential=confidential)
    note.full_clean()
    note.save()
    _record(Action.NOTE_ADDED, actor, case, note, {"text": text, "confidential": confidential})
    return note


@transaction.atomic
def log_contact(
    *,
    actor: AbstractBaseUser,
    case: Case,
    kind: str,
    contacted_at: datetime.datetime,
    with_whom: str,
    summary: str,
) -> ContactEntry:
    """Record a contact that took place: a log tells what happened, so not one still to come."""
    case = _writable_case(actor, case)
    entry = ContactEntry(
        case=case,
        author=actor,
        kind=kind,
        contacted_at=contacted_at,
        with_whom=with_whom,
        summary=summary,
    )
    entry.full_clean()
    if contacted_at > timezone.now():
        raise ValidationError(
            {"contacted_at": _("A contact cannot be recorded at a time still to come.")}
        )
    entry.save()
    _record(
        Action.CONTACT_LOGGED,
        actor,
        case,
        entry,
        {
            "kind": kind,
            # The local time, as the person typed it and the auditor reads it.
            "contacted_at": timezone.localtime(contacted_at).isoformat(timespec="minutes"),
            "with_whom": with_whom,
            "summary": summary,
        },
    )
    return entry


@transaction.atomic
def erase_texts(*, case_ids: list[int]) -> None:
    """Blank the texts of these cases' notes and contacts: their client was erased.

    The entries stay, as the record that the office was in contact, and when; what was written
    and with whom goes, as the client's other personal data do. The erasure's own event, in
    the same transaction, is the audit of it (`lk3_flow.personal_data.declare_erasure`).
    """
    CaseNote.objects.filter(case_id__in=case_ids).update(
        **dict.fromkeys(CaseNote.PERSONAL_FIELDS, "")
    )
    ContactEntry.objects.filter(case_id__in=case_ids).update(
        **dict.fromkeys(ContactEntry.PERSONAL_FIELDS, "")
    )
