"""The Indonesian population identity number (NIK) and what can be read from it.

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


def parse_nik(value: str) -> NikFacts:
    """Check a NIK's structure and return what it encodes; ValidationError if it is not one."""
    if not _SIXTEEN_DIGITS.fullmatch(value):
        raise ValidationError(FORMAT_MESSAGE, code="nik_format")
    if value[0:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The province code %(code)s in the NIK is unknown."),
            code="nik_province",
            params={"code": value[0:2]},
        )
    if value[2:4] == "00" or value[4:6] == "00":
        raise ValidationError(
            _("The regency/city or district code in the NIK cannot be 00."), code="nik_region"
        )
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    sex = Sex.MALE
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
        sex = Sex.FEMALE
    try:
        # A leap year stands in for the unknown century so that 29 February is accepted.
        datetime.date(2000, month, day)
    except ValueError:
        raise ValidationError(
            _("The date of birth encoded in the NIK (digits 7 to 12) is not valid."),
            code="nik_birth_date",
        ) from None
    if value[12:16] == "0000":
        raise ValidationError(_("The serial number in the NIK cannot be 0000."), code="nik_serial")
    return NikFacts(sex=sex, birth_day=day, birth_month=month, birth_year_two_digits=year)


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

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if len(text) > RAW_NIK_MAX_LENGTH:
            raise ValidationError(FORMAT_MESSAGE, code="nik_format")
        return normalise_nik(text)


class NikField(models.CharField):
    """A client's NIK: 16 ASCII digits, or empty when the client has none."""

    default_validators = [validate_nik]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", NIK_LENGTH)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": NikFormField, **kwargs})
