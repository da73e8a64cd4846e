"""The Indonesian population identity number (NIK) and what can be read from it.

A NIK is 16 digits: province (2), regency/city (2), district (2), birth date as DDMMYY with 40
added to the day for women (6), and a serial (4). Validating the structure catches most typing
mistakes at intake, long before a referral letter carries a wrong number to a partner.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
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
_SIXTEEN_DIGITS = re.compile(r"\d{16}")


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
        raise ValidationError(_("A NIK must consist of 16 digits."), code="nik_format")
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
