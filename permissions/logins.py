"""What is kept of a failed log-in: the account it was for, never the text that was typed.

People type passwords into the user-name box, and whatever the box held would otherwise stay in
django-axes' attempt table and in the immutable audit log. A typed name is kept only when it is
the name of an existing account; other attempts are kept as "unknown account", and django-axes
counts them together per address, so that guessing names locks the address out as well.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from audit.models import Action
from audit.services import record

# The keyword under which Django's login form (and so the failure signal) passes the name.
TYPED_NAME = "username"


def known_username(typed: Any) -> str | None:
    """The account's own user name when `typed` names an existing account, else None."""
    if not isinstance(typed, str) or not typed or "\x00" in typed:
        return None
    model = get_user_model()
    field = model.USERNAME_FIELD
    if len(typed) > model._meta.get_field(field).max_length:
        return None
    return model._default_manager.filter(**{field: typed}).values_list(field, flat=True).first()


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the name django-axes records and counts an attempt under."""
    typed = (credentials or {}).get(TYPED_NAME)
    if typed is None and request is not None:
        typed = request.POST.get(TYPED_NAME)
    return known_username(typed)


def record_failed_login(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    """A failed log-in in the audit log, under the account it was for when there is one."""
    username = known_username(credentials.get(TYPED_NAME))
    record(
        Action.LOGIN_FAILED,
        actor_name=username or "",
        details={"account": "known" if username else "unknown"},
    )
