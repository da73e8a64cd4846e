"""Middleware of the site: the interface language, and responses kept private."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

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
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
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
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
