"""Search terms kept out of URLs.

A URL's query string ends up in the web server's access log, the browser's history and the
`Referer` of the next request, and a search by a client's name or NIK would put them there. So
every search form POSTs (with its CSRF token); the terms are kept in the session under a random
key, and the page redirects to `?cari=<key>`, which names the search without saying what it is.
Paging and exports carry the same key. A key is good only in the session that made it.
"""

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _

PARAMETER = "cari"
SESSION_KEY = "lk3_searches"
# The searches a session keeps: enough to go back a few pages, not a growing session.
KEPT = 20
# No real name, NIK or number is longer; longer input is cut rather than stored.
MAX_TERM_LENGTH = 200
MAX_VALUES = 20


def remember(
    request: HttpRequest, scope: str, data: QueryDict, fields: Iterable[str]
) -> str | None:
    """Keep the form's non-empty terms in the session; the key that names them, if any."""
    terms = {}
    for name in fields:
        values = [value[:MAX_TERM_LENGTH] for value in data.getlist(name) if value.strip()]
        if values:
            terms[name] = values[:MAX_VALUES]
    if not terms:
        return None
    key = secrets.token_urlsafe(12)
    searches = {**request.session.get(SESSION_KEY, {}), key: {"scope": scope, "terms": terms}}
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEPT:])
    return key


def recall(request: HttpRequest, scope: str) -> QueryDict | None:
    """The terms the URL's key names for this page, or None when it names none."""
    key = request.GET.get(PARAMETER)
    if not key:
        return None
    stored = request.session.get(SESSION_KEY, {}).get(key)
    if stored is None or stored["scope"] != scope:
        messages.info(request, _("That search is no longer available. Please search again."))
        return None
    terms = QueryDict(mutable=True)
    for name, values in stored["terms"].items():
        terms.setlist(name, values)
    return terms


class StoredSearchMixin:
    """A page (or export) that filters by the search its URL's key names."""

    request: HttpRequest
    search_scope = ""

    @cached_property
    def search_terms(self) -> QueryDict | None:
        return recall(self.request, self.search_scope)

    @property
    def search_key(self) -> str:
        """The key of the search in force, for links to further pages and exports."""
        return self.request.GET.get(PARAMETER, "") if self.search_terms is not None else ""

    @property
    def searched_fields(self) -> list[str]:
        """Which fields were searched, as the audit log records a search: never the terms."""
        return sorted(self.search_terms) if self.search_terms is not None else []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(search_key=self.search_key, **kwargs)  # type: ignore[misc]


class SearchFormMixin(StoredSearchMixin):
    """A page whose search form POSTs: the terms are kept, and the page shows them by key."""

    search_fields: Sequence[str] = ()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = remember(request, self.search_scope, request.POST, self.search_fields)
        if key is None:
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(f"{request.path}?{urlencode({PARAMETER: key})}")
