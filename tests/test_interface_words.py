"""What the interface says, in Indonesian, where viewflow's or Django's own words were wrong."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_names_the_application_not_a_demo(office):
    page = Client().get(reverse("login")).content.decode()
    assert "Pengelolaan Kasus Kesejahteraan Keluarga" in page
    assert "Demo" not in page and "Django Material" not in page


def test_a_failed_login_says_so_once_in_plain_indonesian(office):
    response = Client().post(
        reverse("login"), {"username": office.counselor.username, "password": PASSWORD + "x"}
    )
    page = response.content.decode()
    assert "Nama login atau kata sandi salah." in page
    assert "nama pengguna nama pengguna" not in page


def test_the_intake_officer_is_not_told_a_counselor_has_a_case_that_waits_for_one(office):
    case = office.register()
    client = Client()
    client.force_login(office.intake)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "menunggu Pimpinan menunjuk konselor" in page
    assert "sudah ditangani konselor" not in page


def test_pages_outside_the_site_have_its_title_and_menu(office):
    client = Client()
    client.force_login(office.head)
    page = client.get(reverse("letter_register")).content.decode()
    assert "Django Material" not in page
    assert reverse("cases:index") in page  # the menu of the site's applications
