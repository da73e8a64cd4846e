"""Letter numbers: one gap-free sequence per kind of letter per calendar year (Asia/Jakarta)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lk3_flow.services import next_sequence_value

from .models import LetterKind

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


def draw_number(pattern: str, *, kind: str, on: datetime.date) -> tuple[int, str]:
    """Take the next number of this kind for the year of `on`; rolled back with the transaction."""
    sequence = next_sequence_value(f"letter/{kind}/{on.year}")
    return sequence, format_number(pattern, sequence=sequence, kind=kind, on=on)
