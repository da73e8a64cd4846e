"""Letter numbers: one gap-free sequence per kind of letter per calendar year (Asia/Jakarta).

Gap-free as an agenda book is: every number drawn is in the register (`LetterNumber`), used by
exactly one letter or void with the reason why.
"""

import datetime
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from lk3_flow.models import Sequence

from .models import PERIODIC_REPORT, LetterKind, LetterNumber, NumberStatus, VoidReason

logger = logging.getLogger(__name__)

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# The classification code of each kind, as it appears in the number.
KIND_CODES = {
    LetterKind.REGISTRATION_RECEIPT: "TBP",
    LetterKind.SERVICE_CONSENT: "SPL",
    LetterKind.ASSIGNMENT: "ST",
    LetterKind.ASSESSMENT_REPORT: "LHA",
    LetterKind.COUNSELING_INVITATION: "UND",
    LetterKind.REFERRAL: "RJK",
    LetterKind.SERVICE_COMPLETION: "SKET",
    LetterKind.HOME_VISIT_ASSIGNMENT: "ST-KR",
    LetterKind.ACCOMPANIMENT_ASSIGNMENT: "ST-PD",
    LetterKind.ACCOMPANIMENT_CERTIFICATE: "SKP",
    LetterKind.PROTECTION_PLACEMENT: "PLD",
    PERIODIC_REPORT: "LAP",
}


def roman_month(month: int) -> str:
    return ROMAN_MONTHS[month - 1]


def format_number(pattern: str, *, sequence: int, kind: str, on: datetime.date) -> str:
    return pattern.format(
        seq=sequence,
        code=KIND_CODES[kind],
        roman_month=roman_month(on.month),
        month=on.month,
        year=on.year,
    )


def validate_number_pattern(pattern: str) -> None:
    """A pattern must carry the sequence, or two letters would share a number."""
    if "{seq" not in pattern:
        raise ValidationError(_("The pattern must contain {seq}."))
    try:
        format_number(pattern, sequence=1, kind=LetterKind.ASSIGNMENT, on=datetime.date(2026, 1, 1))
    except (KeyError, IndexError, ValueError) as error:
        raise ValidationError(
            _("The pattern cannot be used: %(error)s"), params={"error": error}
        ) from None


class NumberLost(RuntimeError):
    """The number was voided between its drawing and its use; the letter must not carry it."""


def draws_apart() -> bool:
    """Whether a number is drawn on a connection of its own and committed at once.

    On PostgreSQL the counter is one locked row: drawn inside the step's transaction it would stay
    locked until the step commits, so letters of one kind would wait for each other's whole
    rendering. Drawn apart, it is locked for two statements; the price is that a step failing
    later leaves its number drawn, and the register then records it as void.

    SQLite has one writer for the whole file: a second connection would wait for the step's own
    write lock, which is held until the step ends. There the number is drawn in the step's
    transaction and rolls back with it: nothing is ever void, and steps are serialised anyway.
    """
    return connection.vendor == "postgresql"


@contextmanager
def letter_number(
    pattern: str, *, kind: str, on: datetime.date, case_id: int | None, drawn_by_id: int
) -> Iterator[LetterNumber]:
    """Draw the next number of this kind for the year of `on`, for the letter issued in the block.

    The block runs in a transaction (a savepoint of the step's, if there is one), where the number
    is marked used first: the mark commits with the step's letter, or rolls back with it. On
    PostgreSQL the mark also row-locks the register entry until the step ends, so that
    `services.void_unused_numbers` skips the numbers of steps still running, however slow their
    rendering. When the block itself fails, its savepoint is rolled back first (which releases
    that lock) and the number is voided at once, with the reason.
    """
    facts = {"pattern": pattern, "kind": kind, "on": on}
    facts |= {"case_id": case_id, "drawn_by_id": drawn_by_id}
    if not draws_apart():
        with transaction.atomic():
            entry = _draw(connection, **facts)
            _mark_used(entry)
            yield entry
        return
    entry = _draw_apart(**facts)
    try:
        with transaction.atomic():
            _mark_used(entry)
            yield entry
    except BaseException as error:
        _void_at_once(entry, error)
        raise


class _ApartConnection:
    """A thread's own numbering connection, which Django does not manage.

    Held only by a thread-local, so it is released as the thread ends, and the database session
    with it: nothing else would close it (Django's `close_all` knows only its own aliases).
    """

    def __init__(self) -> None:
        self.wrapper = connections.create_connection(DEFAULT_DB_ALIAS)

    def __del__(self) -> None:
        if self.wrapper.connection is not None:
            self.wrapper.connection.close()


_apart = threading.local()


def _forget_in_forked_child() -> None:
    """A forked process (a pre-loading server's worker, a pool) must not talk on its parent's
    database session: it drops it, unclosed (closing would end the parent's), and opens its own."""
    held = getattr(_apart, "held", None)
    if held is not None:
        held.wrapper.connection = None
        _apart.held = None


os.register_at_fork(after_in_child=_forget_in_forked_child)


def _apart_connection() -> BaseDatabaseWrapper:
    held = getattr(_apart, "held", None)
    if held is None:
        held = _apart.held = _ApartConnection()
    # As Django does for its own connections between requests: honour CONN_MAX_AGE and
    # replace a connection that broke.
    held.wrapper.close_if_unusable_or_obsolete()
    return held.wrapper


def close_apart_connection() -> None:
    """Close this thread's numbering connection now, if it has one (before dropping a database)."""
    held = getattr(_apart, "held", None)
    if held is not None:
        held.wrapper.close()


def close_obsolete_apart_connection(**kwargs: Any) -> None:
    """Between requests, as `django.db.close_old_connections` does for Django's own."""
    held = getattr(_apart, "held", None)
    if held is not None:
        held.wrapper.close_if_unusable_or_obsolete()


def _draw_apart(**facts: Any) -> LetterNumber:
    wrapper = _apart_connection()
    wrapper.set_autocommit(False)
    try:
        entry = _draw(wrapper, **facts)
        wrapper.commit()
    except BaseException:
        # Closing rolls the draw back on the server, whatever state the connection is in.
        wrapper.close()
        raise
    wrapper.set_autocommit(True)
    return entry


def _quoted(db: BaseDatabaseWrapper, *names: str) -> list[str]:
    return [db.ops.quote_name(name) for name in names]


def _draw(
    db: BaseDatabaseWrapper,
    *,
    pattern: str,
    kind: str,
    on: datetime.date,
    case_id: int | None,
    drawn_by_id: int,
) -> LetterNumber:
    """Count one up and write the register entry, in the transaction open on `db`.

    Raw SQL because `db` may be a connection that Django's ORM knows by no alias. The counter is
    the same `Sequence` row that numbered the letters issued before the register existed.
    """
    counter, key, value = _quoted(db, Sequence._meta.db_table, "key", "value")
    fields = [field for field in LetterNumber._meta.concrete_fields if not field.primary_key]
    register, pk = _quoted(db, LetterNumber._meta.db_table, LetterNumber._meta.pk.column)
    columns = ", ".join(_quoted(db, *(field.column for field in fields)))
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {counter} ({key}, {value}) VALUES (%s, 1) ON CONFLICT ({key}) "
            f"DO UPDATE SET {value} = {counter}.{value} + 1 RETURNING {value}",
            [f"letter/{kind}/{on.year}"],
        )
        (sequence,) = cursor.fetchone()
        entry = LetterNumber(
            kind=kind,
            year=on.year,
            sequence=sequence,
            number=format_number(pattern, sequence=sequence, kind=kind, on=on),
            drawn_at=timezone.now(),
            drawn_by_id=drawn_by_id,
            case_id=case_id,
            status=NumberStatus.DRAWN,
        )
        cursor.execute(
            f"INSERT INTO {register} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
            f"RETURNING {pk}",
            [field.get_db_prep_save(getattr(entry, field.attname), db) for field in fields],
        )
        (entry.pk,) = cursor.fetchone()
    return entry


def _mark_used(entry: LetterNumber) -> None:
    marked = LetterNumber.objects.filter(pk=entry.pk, status=NumberStatus.DRAWN).update(
        status=NumberStatus.USED
    )
    if not marked:
        raise NumberLost(entry.number)
    entry.status = NumberStatus.USED


def _void_at_once(entry: LetterNumber, error: BaseException) -> None:
    """Record why the number stays unused; never raises over the error that made it fail.

    A number that cannot be voided now (the database went away) stays drawn, and
    `services.void_unused_numbers` voids it later with the general reason.
    """
    meta = LetterNumber._meta
    try:
        wrapper = _apart_connection()
        names = (meta.db_table, "status", "voided_at", "void_reason", "void_error", meta.pk.column)
        table, status, voided_at, reason, error_class, pk = _quoted(wrapper, *names)
        with wrapper.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {status} = %s, {voided_at} = %s, {reason} = %s, "
                f"{error_class} = %s WHERE {pk} = %s AND {status} = %s",
                [
                    NumberStatus.VOID,
                    wrapper.ops.adapt_datetimefield_value(timezone.now()),
                    VoidReason.ISSUE_FAILED,
                    type(error).__name__[:100],
                    entry.pk,
                    NumberStatus.DRAWN,
                ],
            )
    except Exception:
        logger.exception("Could not void letter number %s after a failed issue", entry.number)
