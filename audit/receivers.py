"""Events the application does not call for itself: logins and logouts, from Django's auth.

Failed logins are recorded by `permissions.logins`, which knows which typed names may be kept;
the workflow engine's task transitions by `flows.receivers`.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out

from .models import Action
from .services import record


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGGED_IN, actor=user)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGGED_OUT, actor=user)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
