"""The Indonesian population identity number (NIK) and what can be read from it.

The family card number (No. KK) is built the same way, with the card's date of issue where a
NIK has its holder's birth date; both are read and checked by the same code here.

A NIK is 16 digits: province (2), regency/city (2), district (2), birth date as DDMMYY with 40
added to the day for women (6), and a serial (4). Validating the structure catches most typing
mistakes at intake, long before a referral letter carries a wrong number to a partner.

People type and paste NIKs in many shapes: grouped with spaces, dots or dashes as on a photocopy,
in fullwidth digits from a phone keyboard, in Arabic-Indic digits. Each is read as the same ASCII
number, so that the duplicate check compares like with like; the database stores ASCII digits
only.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Length, Replace
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from .choices import Sex

# Province codes of the Dukcapil numbering, including the Papua provinces formed in 2022.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip

FEMALE_DAY_OFFSET = 40
NIK_LENGTH = 16
_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
# Grouping characters of a NIK written for reading; the minus sign is what some keyboards give.
_SEPARATORS = frozenset(".-\u2212")
# What a NIK pasted with separators (e.g. "3602.0112.0385.0001") can reasonably measure.
RAW_NIK_MAX_LENGTH = 40
FORMAT_MESSAGE = _("A NIK must consist of 16 digits.")


@dataclass(frozen=True)
class NikFacts:
    """What a structurally valid NIK says about its holder."""

    sex: str
    birth_day: int
    birth_month: int
    birth_year_two_digits: int

    def matches_birth_date(self, birth_date: datetime.date) -> bool:
        return (
            birth_date.day == self.birth_day
            and birth_date.month == self.birth_month
            and birth_date.year % 100 == self.birth_year_two_digits
        )


@dataclass(frozen=True)
class _Messages:
    """What to tell a person about each broken part of a number, in the number's own name."""

    format: Any
    province: Any
    region: Any
    date: Any
    serial: Any


_NIK_MESSAGES = _Messages(
    format=FORMAT_MESSAGE,
    province=_("The province code %(code)s in the NIK is unknown."),
    region=_("The regency/city or district code in the NIK cannot be 00."),
    date=_("The date of birth encoded in the NIK (digits 7 to 12) is not valid."),
    serial=_("The serial number in the NIK cannot be 0000."),
)
FAMILY_CARD_FORMAT_MESSAGE = _("A family card number (No. KK) must consist of 16 digits.")
_FAMILY_CARD_MESSAGES = _Messages(
    format=FAMILY_CARD_FORMAT_MESSAGE,
    province=_("The province code %(code)s in the family card number is unknown."),
    region=_("The regency/city or district code in the family card number cannot be 00."),
    date=_("The date of issue in the family card number (digits 7 to 12) is not valid."),
    serial=_("The serial number in the family card number cannot be 0000."),
)


def _parse_structure(
    value: str, messages: _Messages, *, day_offset: int
) -> tuple[int, int, int, bool]:
    """Check the parts a NIK and a family card number share; return the encoded day, month
    and two-digit year, and whether the day was written with `day_offset` added (a woman's
    NIK). 0 allows no offset."""
    if not _SIXTEEN_DIGITS.fullmatch(value):
        raise ValidationError(messages.format, code="nik_format")
    if value[0:2] not in PROVINCE_CODES:
        raise ValidationError(messages.province, code="nik_province", params={"code": value[0:2]})
    if value[2:4] == "00" or value[4:6] == "00":
        raise ValidationError(messages.region, code="nik_region")
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    shifted = bool(day_offset) and day > day_offset
    if shifted:
        day -= day_offset
    try:
        # A leap year stands in for the unknown century so that 29 February is accepted.
        datetime.date(2000, month, day)
    except ValueError:
        raise ValidationError(messages.date, code="nik_birth_date") from None
    if value[12:16] == "0000":
        raise ValidationError(messages.serial, code="nik_serial")
    return day, month, year, shifted


def parse_nik(value: str) -> NikFacts:
    """Check a NIK's structure and return what it encodes; ValidationError if it is not one."""
    day, month, year, shifted = _parse_structure(value, _NIK_MESSAGES, day_offset=FEMALE_DAY_OFFSET)
    sex = Sex.FEMALE if shifted else Sex.MALE
    return NikFacts(sex=sex, birth_day=day, birth_month=month, birth_year_two_digits=year)


def validate_family_card_number(value: str) -> None:
    """A family card number (No. KK): region codes as in a NIK, then the card's date of issue
    (no offset: a card has no sex) and a serial."""
    _parse_structure(value, _FAMILY_CARD_MESSAGES, day_offset=0)


def validate_nik(value: str) -> None:
    """Model-field validator form of parse_nik."""
    parse_nik(value)


def check_nik_against_person(nik: str, sex: str, birth_date: datetime.date | None) -> list[str]:
    """Return messages for every way the NIK contradicts the sex and birth date given beside it."""
    facts = parse_nik(nik)
    problems = []
    if sex and sex != facts.sex:
        problems.append(str(_("The sex does not match the NIK.")))
    if birth_date and not facts.matches_birth_date(birth_date):
        problems.append(str(_("The date of birth does not match the NIK.")))
    return problems


def normalise_nik(value: str) -> str:
    """The NIK in ASCII digits without separators; other characters are left for parse_nik.

    NFKC turns fullwidth digits and separators into ASCII ones; digits of other scripts (e.g.
    Arabic-Indic, which NFKC keeps) become their ASCII value; spaces, dots, dashes and invisible
    format characters (zero-width spaces from a copied document) are dropped.
    """
    digits = []
    for char in unicodedata.normalize("NFKC", value):
        if char.isspace() or char in _SEPARATORS or unicodedata.category(char) in ("Pd", "Cf"):
            continue
        decimal = unicodedata.decimal(char, None)
        digits.append(str(decimal) if decimal is not None else char)
    return "".join(digits)


def ascii_nik_condition(field_name: str) -> Q:
    """A CHECK that the column holds nothing or exactly 16 ASCII digits, on every database.

    Written without a regular expression: SQLite has none of its own (Django adds one to its
    connections only), and a constraint must hold for every client of the database.
    """
    without_digits: Any = F(field_name)
    for digit in "0123456789":
        without_digits = Replace(without_digits, Value(digit), Value(""))
    return Q(**{field_name: ""}) | Q(
        Exact(Length(field_name), NIK_LENGTH), Exact(without_digits, Value(""))
    )


class NikFormField(forms.CharField):
    """A NIK as people type or paste it; cleaned to 16 ASCII digits and validated.

    The model's max_length of 16 is not passed to the browser, where it would silently cut a
    NIK pasted with separators; the raw input is bounded here instead, with a clear error.
    """

    default_validators = [validate_nik]
    format_message = FORMAT_MESSAGE

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if len(text) > RAW_NIK_MAX_LENGTH:
            raise ValidationError(self.format_message, code="nik_format")
        return normalise_nik(text)


class NikField(models.CharField):
    """A client's NIK: 16 ASCII digits, or empty when the client has none."""

    default_validators = [validate_nik]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NIK_LENGTH)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": NikFormField, **kwargs})


class FamilyCardNumberFormField(NikFormField):
    """A family card number typed or pasted as people write it, cleaned like a NIK."""

    default_validators = [validate_family_card_number]
    format_message = FAMILY_CARD_FORMAT_MESSAGE


class FamilyCardNumberField(NikField):
    """A household's family card number (No. KK): 16 ASCII digits, or empty."""

    default_validators = [validate_family_card_number]

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": FamilyCardNumberFormField, **kwargs})
