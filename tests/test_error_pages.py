"""Error pages say only what is true and give the request number the server log knows them by."""

import logging

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from lk3_flow import errors, views
from lk3_flow.errors import RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client: Client) -> Client:
    """English msgids, which these tests read; the Indonesian text is the catalog's."""
    client.cookies["django_language"] = "en"
    return client


def shown_reference(response) -> str:
    assert "X-Request-ID" in response.headers
    return response.headers["X-Request-ID"][: errors.SHOWN_LENGTH]


def assert_true_error_page(response, status: int, template: str) -> None:
    assert response.status_code == status
    assert response.templates[0].name == template
    body = response.content.decode()
    assert f"data-reference>{shown_reference(response)}<" in body
    # Nothing is e-mailed to anyone: no page may say it was.
    assert "mail" not in body.lower()


def console_line(record: logging.LogRecord) -> str:
    """The record as the server's console handler writes it."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    assert handler.filter(record)
    return handler.format(record)


def test_a_crash_shows_a_request_number_that_its_log_line_carries(
    english, office, monkeypatch, caplog
):
    def crash(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.CaseListView, "get_queryset", crash)
    english.raise_request_exception = False
    english.force_login(office.head)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = english.get(reverse("cases:index"))

    assert_true_error_page(response, 500, "errors/500.html")
    assert "Server error" in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
    assert f"[{response.headers['X-Request-ID']}]" in console_line(record)


def test_the_server_error_page_needs_no_database(django_assert_num_queries):
    """A 500 may come from a database that is gone; its page must still be drawn."""
    request = RequestFactory().get("/cases/")
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    assert request.lk3_request_id[: errors.SHOWN_LENGTH] in response.content.decode()


def test_a_page_that_cannot_be_drawn_falls_back_to_a_plain_one(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    request = RequestFactory().get("/cases/")
    response = errors.server_error(request)
    assert response.status_code == 500
    assert request.lk3_request_id[: errors.SHOWN_LENGTH] in response.content.decode()


def test_an_unknown_address_is_a_404_page(english, office):
    english.force_login(office.counselor)
    response = english.get("/no-such-page/")
    assert_true_error_page(response, 404, "errors/404.html")
    assert "Page not found" in response.content.decode()


def test_a_forbidden_action_is_a_403_page(english, office):
    case = office.register()
    english.force_login(office.counselor)
    response = english.get(reverse("cases:withdraw", args=[case.pk]))
    assert_true_error_page(response, 403, "errors/403.html")
    assert "Access denied" in response.content.decode()


def test_a_form_without_its_security_token_is_a_403_page_that_says_why(office):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("login"), {"username": "pimpinan", "password": "x"})
    assert_true_error_page(response, 403, "errors/403_csrf.html")
    assert "The form has expired" in response.content.decode()


def test_a_bad_host_is_a_400_page_with_its_own_number(english):
    """Raised before the audit middleware names the request: the error page names it."""
    response = english.get("/", HTTP_HOST="evil.example")
    assert_true_error_page(response, 400, "errors/400.html")
    assert "Bad request" in response.content.decode()


def test_a_request_id_from_the_proxy_is_the_number_shown(english):
    response = english.get("/no-such-page/", HTTP_X_REQUEST_ID="0f3c9a7e21b4d5c6e7f8")
    assert response.headers["X-Request-ID"] == "0f3c9a7e21b4d5c6e7f8"
    assert "data-reference>0f3c9a7e21b4<" in response.content.decode()
