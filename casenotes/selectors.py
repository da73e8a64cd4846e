"""Reads of notes and contacts: what a case's pages show, always through the access rules of
`permissions.selectors`."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from audit import personal
from lk3_flow import personal_data
from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case
from permissions.selectors import (
    CaseAccess,
    case_contacts_readable_by,
    case_notes_readable_by,
    may_keep_case_notes,
)

from .models import CaseNote, ContactEntry

# How many of each the case page shows; the rest are on their own pages.
CASE_PAGE_ENTRIES = 5


def may_add_entries(user: AbstractBaseUser, case: Case, access: CaseAccess | None = None) -> bool:
    """Whether the user may add a note or a contact to the case now.

    A closed or withdrawn case keeps its notes to read, and takes no more: a later contact
    belongs to the case it was reopened as. (A client whose data were erased has no open case:
    the erasure needs them all closed, and reopening refuses an erased client.)
    """
    return case.status == CaseStatus.OPEN and may_keep_case_notes(user, case, access)


def notes_of(user: AbstractBaseUser, case: Case) -> QuerySet:
    """The case's notes the user may read, newest first."""
    return case_notes_readable_by(user, case.notes.select_related("author")).order_by(
        "-created_at", "-id"
    )


def contacts_of(user: AbstractBaseUser, case: Case) -> QuerySet:
    """The case's contacts the user may read, the latest contact first."""
    return case_contacts_readable_by(user, case.contacts.select_related("author")).order_by(
        "-contacted_at", "-id"
    )


def texts_erased(case: Case) -> bool:
    """Whether the client's personal data, and with them the texts of notes and contacts, were
    erased: the entries stay as a record that contact happened, without what was said."""
    return personal.is_erased(personal_data.subject(case.client_id))


@dataclass(frozen=True)
class Latest:
    """The newest entries of one kind, and whether there are more than shown."""

    entries: list[CaseNote] | list[ContactEntry]
    more: bool


def latest(entries: QuerySet, count: int = CASE_PAGE_ENTRIES) -> Latest:
    """The first `count` entries, in one query however many there are."""
    first = list(entries[: count + 1])
    return Latest(first[:count], len(first) > count)
