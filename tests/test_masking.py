"""Masked clients stay masked: in the intake duplicate warning, and in every search by name."""

import datetime
import json

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from lk3_flow.models import Case, Client
from lk3_flow.services import check_duplicate_clients
from permissions.selectors import cases_named_for, client_name_masked, mask_name
from regions.models import District
from tests.factories import CIBADAK, CIKULUR, in_english
from tests.test_lifecycle_http import START_URL, intake_post

pytestmark = pytest.mark.django_db

SECRET_NAME = "Rahasia Sekali"
SECRET_NIK = "3602015705900003"  # a woman born 17 May 1990, as the factory's client


@pytest.fixture
def secret_case(office) -> Case:
    """A sensitive case of the counselor, whose client has a NIK and an unusual district."""
    case = office.assign(office.register(full_name=SECRET_NAME, sensitive=True))
    Client.objects.filter(pk=case.client_id).update(
        nik=SECRET_NIK, kecamatan=District.objects.get(code=CIKULUR)
    )
    return case


def like_the_secret_client(**overrides: str) -> dict[str, str]:
    """An intake of someone who may be the secret client: same birth date, same first name."""
    return intake_post(
        **{
            "client-kind": "individual",
            "client-full_name": "Rahasia Lain",
            "client-nik": "",
            "client-sex": "female",
            "client-birth_date": "17/05/1990",
            "client-kecamatan": str(District.objects.get(code=CIBADAK).pk),
            "client-desa": "",
            **overrides,
        }
    )


def test_a_sensitive_match_is_told_only_to_exist(client, office, secret_case):
    in_english(client).force_login(office.intake)
    response = client.post(START_URL, like_the_secret_client())
    assert response.status_code == 200
    html = response.content.decode()
    assert "A similar client is registered in a confidential case." in html
    assert office.head.first_name in html  # whom to ask
    for detail in ("Sekali", "17 May 1990", SECRET_NIK):
        assert detail not in html, detail
    # The district is in the form's list of every district, but not among the warnings.
    warnings = html[: html.index('<section class="vf-card__form">')]
    assert "Cikulur" in html and "Cikulur" not in warnings
    assert response.context["duplicates"].named == []
    assert Case.objects.count() == 1


def test_a_sensitive_match_by_nik_is_told_only_to_exist(client, office, secret_case):
    client.force_login(office.intake)
    data = like_the_secret_client(**{"client-full_name": "Nama Lain", "client-nik": SECRET_NIK})
    response = client.post(START_URL, data)
    assert response.status_code == 200
    assert response.context["duplicates"].confidential
    assert "Sekali" not in response.content.decode()


def test_an_ordinary_match_is_shown_with_its_details(client, office):
    ordinary = office.register(full_name="Rahasia Biasa")
    client.force_login(office.intake)
    response = client.post(START_URL, like_the_secret_client())
    assert response.context["duplicates"].named == [ordinary.client]
    assert not response.context["duplicates"].confidential
    assert "Rahasia Biasa" in response.content.decode()


def test_the_counselor_of_the_sensitive_case_is_told_the_name(office, secret_case):
    found = check_duplicate_clients(
        actor=office.counselor,
        nik="",
        full_name="Rahasia Lain",
        birth_date=datetime.date(1990, 5, 17),
    )
    assert [client.full_name for client in found.named] == [SECRET_NAME]


def test_every_duplicate_look_up_is_audited_without_the_nik(client, office, secret_case):
    client.force_login(office.intake)
    client.post(START_URL, like_the_secret_client(**{"client-nik": SECRET_NIK}))
    client.post(START_URL, like_the_secret_client(**{"client-full_name": "Orang Baru"}))
    checks = list(AuditEvent.objects.filter(action=Action.DUPLICATE_CHECKED).order_by("pk"))
    assert len(checks) == 2
    first, second = checks
    assert first.actor == office.intake
    assert first.details["checked"] == ["nik", "full_name", "birth_date"]
    assert first.details["matches"] == 1 and first.details["confidential_matches"] == 1
    assert first.details["client_ids"] == [secret_case.client_id]
    assert second.details["matches"] == 0 and second.details["client_ids"] == []
    assert first.details["nik_fingerprint"] != SECRET_NIK
    stored = json.dumps([event.details for event in checks])
    assert SECRET_NIK not in stored and "Rahasia" not in stored


def test_the_list_mask_and_the_search_rule_agree(office, secret_case):
    """`client_name_masked` (lists) and `cases_named_for` (searches) are one rule."""
    other = office.register(full_name="Klien Biasa")
    unassigned_secret = office.register(full_name="Rahasia Juga", sensitive=True)
    for user in (office.intake, office.head, office.counselor, office.other_counselor):
        named = set(cases_named_for(user))
        for case in (secret_case, other, unassigned_secret):
            assert (case in named) == (not client_name_masked(user, case)), (user, case)
    assert set(cases_named_for(office.auditor)) == {secret_case, other, unassigned_secret}
    assert not client_name_masked(office.auditor, secret_case)


def test_auditors_see_real_names(client, office, secret_case):
    client.force_login(office.auditor)
    html = client.get(reverse("cases:index")).content.decode()
    assert SECRET_NAME in html and mask_name(SECRET_NAME) not in html
