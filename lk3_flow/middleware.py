"""Request-wide rules of an Indonesian office's site: the language, input no column can hold,
and responses kept private."""

import unicodedata
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import render_error


def chosen_language(request: HttpRequest) -> str:
    """The language chosen with Django's set_language view, else the site's (Indonesian)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# No page needs a device or a sensor of the browser.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class ChosenLanguageMiddleware:
    """Indonesian unless the user chose another language with Django's set_language view.

    Browsers in Indonesian offices often announce English; the UI language must not depend on that.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Tab, line feed and carriage return are ordinary parts of typed text; every other control
# character (C0, DEL, C1) and every lone surrogate is refused. PostgreSQL cannot store NUL in a
# text column nor \u0000 in jsonb, and no person types the others.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})


def is_storable(text: str) -> bool:
    """Whether every character of `text` may reach a database column and a letter."""
    if text.isprintable():  # the fast path: no control character, no surrogate
        return True
    return not any(
        unicodedata.category(char) in _REFUSED_CATEGORIES and char not in _ALLOWED_CONTROLS
        for char in text
    )


def _all_storable(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return all(is_storable(key) and all(map(is_storable, values)) for key, values in pairs)


class RequestHygieneMiddleware:
    """Answers 400 when the path, the query or a urlencoded form carries unstorable characters.

    One check in front of every page, viewflow's and the admin's included, instead of a guard in
    each view: otherwise the first database query or audit event holding the text fails with a
    500 on PostgreSQL, after part of the request may already have run. A cookie carrying such
    characters is dropped instead (the request goes on as if the browser had not sent it): no
    person typed it, and a fresh session cookie then replaces a broken one. It sits before
    SessionMiddleware so that a session key is never looked up or saved with them. Multipart
    bodies are left to the forms (Django's text fields refuse NUL) so that uploads are not read
    here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if is_storable(name) and is_storable(value)
        }
        if not (is_storable(request.path_info) and _all_storable(request.GET.lists())):
            return self.refuse(request)
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and not _all_storable(request.POST.lists())
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        # Before ChosenLanguageMiddleware: the page speaks the chosen language by itself.
        language = chosen_language(request)
        with translation.override(language):
            message = _(
                "The address or the form contains control characters (such as a null "
                "character) that cannot be stored. Remove them and try again."
            )
            response = render_error(request, "errors/400.html", 400, {"message": message})
        response.headers["Content-Language"] = language
        return response


class PrivateResponseMiddleware:
    """Every page and file the application answers is kept out of caches, and out of devices.

    Almost every response shows case data, or says who may see it; a browser's or a proxy's
    cache would keep it on disk after logout, on a computer the office shares. Only the public
    static files are cacheable, and they are answered before this middleware (WhiteNoise).
    The Permissions-Policy header switches off the browser features no page needs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A downloaded file may say it more strongly ("private, no-store"), never less.
        if response.headers.get("Cache-Control") != "private, no-store":
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SiteLayoutMiddleware:
    """Pages routed outside viewflow's site (the letter register, the account pages) are drawn
    inside its layout too, with its title and menu: viewflow names the site only on its own URLs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: object) -> None:
        match = request.resolver_match
        if match is not None and getattr(match, "site", None) is None:
            from .routes import site  # the URL module imports every app's views

            match.site = site
