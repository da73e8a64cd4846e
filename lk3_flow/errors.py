"""Error pages that say only what is true, and give a number the office can quote.

Nothing is e-mailed to anyone unless the site sets ADMINS and an e-mail server, so the pages
promise nothing of the kind: they say the error was recorded under a request number, and the
same number is on every server log line of that request (see `RequestIdFilter`), so the
administrator finds the traceback from what the user reads out.
"""

import logging
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.html import format_html
from django.utils.translation import gettext as _

from audit import context

logger = logging.getLogger(__name__)

# The audit timeline shows request ids cut to this length too; it is what people read out.
SHOWN_LENGTH = 12


def request_id(request: HttpRequest) -> str:
    """The id of this request, as the audit log knows it.

    The audit middleware names every request; an error raised in a middleware that runs before
    it (a bad host, a database that is down at the session lookup) gets its id here instead.
    """
    known = context.current().request_id or getattr(request, "lk3_request_id", "")
    if not known:
        known = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
    request.lk3_request_id = known
    return known


class RequestIdFilter(logging.Filter):
    """Puts the request id on every log record, so a traceback can be found by its number."""

    def filter(self, record: logging.LogRecord) -> bool:
        from_request = getattr(getattr(record, "request", None), "lk3_request_id", "")
        record.request_id = from_request or context.current().request_id or "-"
        return True


def _render(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    """The error page; if even it cannot be drawn, a plain one, since an error page must not fail.

    The template context is deliberately small and needs no database: a 500 may come from a
    database that is gone.
    """
    reference = request_id(request)
    shown = reference[:SHOWN_LENGTH]
    try:
        body = loader.render_to_string(template_name, {"reference": shown}, request=None)
    except Exception:
        logger.exception("The error page %s could not be rendered", template_name)
        body = format_html(
            "<!DOCTYPE html><title>{status}</title><p>{text}</p><p>{label}: <b>{ref}</b></p>",
            status=status,
            text=_("Something went wrong on the server."),
            label=_("Request number"),
            ref=shown,
        )
    response = HttpResponse(body, status=status)
    response.headers["X-Request-ID"] = reference
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, "errors/500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    """A form sent without a valid security token: most often a page left open too long."""
    return _render(request, "errors/403_csrf.html", 403)
