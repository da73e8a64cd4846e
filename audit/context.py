"""Who is acting, and in which request: set once per request or per service call."""

import contextlib
import contextvars
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Circumstances:
    actor: Any = None
    request_id: str = ""
    ip_address: str | None = None


NOBODY = Circumstances()
# A proxy's request id is kept to match the log to the proxy's own, only when it looks like one:
# whatever else a client puts in the header must not reach the log (or crash its insert).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_current: contextvars.ContextVar[Circumstances | None] = contextvars.ContextVar(
    "lk3_audit_circumstances", default=None
)


def current() -> Circumstances:
    return _current.get() or NOBODY


@contextlib.contextmanager
def acting_as(actor: Any) -> Iterator[None]:
    """Attribute what happens inside to `actor` (code paths that have no request)."""
    token = _current.set(
        Circumstances(actor, current().request_id or uuid.uuid4().hex, current().ip_address)
    )
    try:
        yield
    finally:
        _current.reset(token)


class AuditContextMiddleware:
    """Gives every request an id and remembers its address and user for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")
        if not _REQUEST_ID.fullmatch(request_id):
            request_id = uuid.uuid4().hex
        user = getattr(request, "user", None)
        token = _current.set(
            Circumstances(
                user if user is not None and user.is_authenticated else None,
                request_id,
                request.META.get("REMOTE_ADDR") or None,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response
