"""Forms of staff administration."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
