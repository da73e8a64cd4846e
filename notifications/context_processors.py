import functools
from typing import Any

from django.http import HttpRequest

from . import selectors


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """The bell's count, counted when a page shows it and once however often it does."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def count() -> int:
        return selectors.unread_count(user)

    return {"unread_notifications": count}
