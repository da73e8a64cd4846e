"""The log-in form, bounded before any credential reaches authentication."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from viewflow.contrib.auth import AuthenticationForm

# Far beyond any password a person or a password manager uses; a longer one is refused before
# it is hashed.
PASSWORD_MAX_LENGTH = 1024


class LoginForm(AuthenticationForm):
    """viewflow's log-in form whose fields refuse over-long input as field errors.

    Django's form sets the user name's max_length after the field exists, so it only reaches
    the browser, and the password has none: a crafted request would be authenticated, hashed
    and, when it fails, recorded as a failed log-in. With a field error the form's clean() has
    no user name and authenticates nothing.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_model = get_user_model()
        username_max = user_model._meta.get_field(user_model.USERNAME_FIELD).max_length or 254
        for name, limit in (("username", username_max), ("password", PASSWORD_MAX_LENGTH)):
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)
