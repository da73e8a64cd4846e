"""The NIK's structure: what the intake form accepts and what it refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lk3_flow.choices import Sex
from lk3_flow.models import Client
from lk3_flow.nik import NikFormField, check_nik_against_person, normalise_nik, parse_nik
from tests.test_lifecycle_http import START_URL, intake_post

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


def in_digits(text: str, zero: int) -> str:
    """`text` with its ASCII digits written in the script whose digit zero is `zero`."""
    return text.translate({ord("0") + value: zero + value for value in range(10)})


FULLWIDTH_MAN = in_digits(VALID_MAN, 0xFF10)
ARABIC_INDIC_MAN = in_digits(VALID_MAN, 0x0660)
EXTENDED_ARABIC_INDIC_MAN = in_digits(VALID_MAN, 0x06F0)


@pytest.mark.parametrize(
    "typed",
    [
        VALID_MAN,
        FULLWIDTH_MAN,
        ARABIC_INDIC_MAN,
        EXTENDED_ARABIC_INDIC_MAN,
        "3602 0112 0385 0001",
        "3602.0112.0385.0001",
        "3602-0112-0385-0001",
        "36.02.01.120385.0001",
        "3602\u00a00112\u20130385\u200b0001",  # no-break space, en dash, zero-width space
        # fullwidth digits, dot, dash and ideographic space
        in_digits("3602\uff0e0112\uff0d0385\u30000001", 0xFF10),
    ],
)
def test_look_alike_digits_and_separators_become_the_ascii_nik(typed):
    assert normalise_nik(typed) == VALID_MAN


@pytest.mark.parametrize("nik", [FULLWIDTH_MAN, ARABIC_INDIC_MAN, "3602 0112 0385 0001"])
def test_only_ascii_digits_are_a_nik_once_stored(nik):
    """parse_nik (the model's validator) sees what is stored: look-alikes are not a NIK there."""
    assert error_code(nik) == "nik_format"


def test_the_form_field_normalises_and_refuses_what_is_left():
    field = NikFormField(required=False)
    assert field.clean(in_digits("3602 0112 0385 0001", 0x0660)) == VALID_MAN
    assert field.clean("") == ""
    for bad in ["3602O11203850001", "3602 0112 0385 00011", "3" * 16 + " " * 30 + "."]:
        with pytest.raises(ValidationError):
            field.clean(bad)
    # The browser must not cut a NIK pasted with separators: no maxlength of 16.
    assert "maxlength" not in field.widget_attrs(field.widget)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["3602.0112.0385.0001", "3602 0112 0385 0001", FULLWIDTH_MAN])
def test_intake_stores_the_ascii_nik(client, office, typed):
    client.force_login(office.intake)
    response = client.post(START_URL, intake_post(**{"client-nik": typed}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Client.objects.get().nik == VALID_MAN


@pytest.mark.django_db
@pytest.mark.parametrize("look_alike", [FULLWIDTH_MAN, ARABIC_INDIC_MAN, "3602-0112-0385-0001"])
def test_a_look_alike_nik_does_not_slip_past_the_duplicate_check(client, office, look_alike):
    client.force_login(office.intake)
    assert client.post(START_URL, intake_post()).status_code == 302
    # Another name and birth date: only the NIK can match.
    response = client.post(
        START_URL,
        intake_post(
            **{"client-nik": look_alike, "client-full_name": "Ujang", "client-sex": "male"}
        ),
    )
    assert response.status_code == 200
    assert Client.objects.count() == 1
    assert response.context["duplicates"].same_nik


@pytest.mark.django_db
def test_the_intake_input_does_not_cut_a_pasted_nik(client, office):
    client.force_login(office.intake)
    field = response_field(client.get(START_URL).content.decode(), "client-nik")
    assert 'maxlength="16"' not in field


def response_field(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[html.rindex("<", 0, start) : html.index(">", start)]


@pytest.mark.django_db
def test_the_database_stores_ascii_digits_only(office):
    client = office.register().client
    for bad in [FULLWIDTH_MAN, ARABIC_INDIC_MAN, "3602 0112 0385 1", "360201120385000X"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Client.objects.filter(pk=client.pk).update(nik=bad)
    Client.objects.filter(pk=client.pk).update(nik=VALID_MAN)
    Client.objects.filter(pk=client.pk).update(nik="")
