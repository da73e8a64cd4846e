"""Request bodies above UPLOAD_MAX_BYTES are refused before a byte of them is read.

Django reads a body only up to its declared Content-Length (a WSGI server passes no more), and
reads a body without one as empty; so checking the declared length before anything reads the
body bounds what any request can make the server receive, keep in memory or write to disk.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Used when the site's settings do not say (a host site, say).
DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Room for the multipart framing and the form's other fields around a file of the full size,
# so that a file a little too large gets the form's own message rather than this refusal.
ENVELOPE_BYTES = 64 * 1024


class RequestTooLarge(Exception):
    pass


def upload_max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)


def limit_uploads(request: HttpRequest) -> None:
    """Raise RequestTooLarge for a body declared larger than the limit, BadRequest for nonsense."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isascii() or not declared.isdigit():
        raise BadRequest("Invalid Content-Length")
    if int(declared) > upload_max_bytes() + ENVELOPE_BYTES:
        raise RequestTooLarge


class UploadLimitMiddleware:
    """Applies `limit_uploads` to every request, before the CSRF check reads the form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            limit_uploads(request)
        except RequestTooLarge:
            megabytes = upload_max_bytes() // (1024 * 1024)
            response = render(request, "413.html", {"megabytes": megabytes}, status=413)
            # The body stays unread: the connection cannot carry another request after it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
