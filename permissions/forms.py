"""Forms of log-in and staff administration."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.core.validators import MaxLengthValidator
from django.template import loader
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from .roles import ROLES


class StaffPasswordResetForm(PasswordResetForm):
    """A reset link for one chosen account, which the administrator sends instead of a password.

    Unlike the public form it is sent to exactly this account (another account may share the
    address), also when the account never had a password (a new colleague's invitation), and a
    failure to send is raised rather than logged, so that nobody is told a link went out when it
    did not.
    """

    def __init__(self, user: AbstractBaseUser) -> None:
        super().__init__({"email": user.email})
        self.user = user

    def get_users(self, email: str) -> Iterable[AbstractBaseUser]:
        return [self.user] if self.user.is_active and self.user.email else []

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        EmailMultiAlternatives(subject, body, from_email, [to_email]).send()


class RoleDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("decline", _("Decline"))],
        error_messages={"invalid_choice": _("Choose to confirm or to decline.")},
    )


def role_choices() -> list[tuple[str, str]]:
    """Every role, with a note on those that wait for a head's confirmation."""
    return [
        (
            role.code,
            gettext("%(role)s (sees every case: takes effect when a head confirms it)")
            % {"role": role.label}
            if role.sees_every_case
            else str(role.label),
        )
        for role in ROLES
    ]


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
