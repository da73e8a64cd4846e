"""The NIK's structure: what the intake form accepts and what it refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from lk3_flow.choices import Sex
from lk3_flow.nik import check_nik_against_person, parse_nik

VALID_MAN = "3602011203850001"  # Banten, Lebak, born 12 March 1985
VALID_WOMAN = "3602015203850001"  # the same date with 40 added to the day


def error_code(nik: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_nik(nik)
    return caught.value.code


def test_reads_sex_and_birth_date():
    man, woman = parse_nik(VALID_MAN), parse_nik(VALID_WOMAN)
    assert man.sex == Sex.MALE and woman.sex == Sex.FEMALE
    assert man.matches_birth_date(datetime.date(1985, 3, 12))
    assert woman.matches_birth_date(datetime.date(1985, 3, 12))
    assert not man.matches_birth_date(datetime.date(1985, 3, 13))


def test_leap_day_is_accepted():
    assert parse_nik("3602012902000001").birth_day == 29


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("360201120385000", "nik_format"),  # 15 digits
        ("36020112038500011", "nik_format"),  # 17 digits
        ("36020112O3850001", "nik_format"),  # a letter O
        ("3602 1120385 001", "nik_format"),
        ("9902011203850001", "nik_province"),  # no province 99
        ("3600011203850001", "nik_region"),  # regency 00
        ("3602001203850001", "nik_region"),  # district 00
        ("3602013203850001", "nik_birth_date"),  # day 32
        ("3602017203850001", "nik_birth_date"),  # day 72 (a woman's 32)
        ("3602011213850001", "nik_birth_date"),  # month 13
        ("3602013002850001", "nik_birth_date"),  # 30 February
        ("3602011203850000", "nik_serial"),
    ],
)
def test_refuses_malformed_numbers(nik, code):
    assert error_code(nik) == code


def test_cross_checks_sex_and_birth_date():
    assert check_nik_against_person(VALID_MAN, Sex.MALE, datetime.date(1985, 3, 12)) == []
    assert len(check_nik_against_person(VALID_MAN, Sex.FEMALE, datetime.date(1985, 3, 12))) == 1
    assert len(check_nik_against_person(VALID_WOMAN, Sex.MALE, datetime.date(1990, 1, 1))) == 2
    assert check_nik_against_person(VALID_WOMAN, "", None) == []
