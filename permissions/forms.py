"""Forms of log-in and staff administration."""

import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.mail import EmailMultiAlternatives
from django.core.validators import MaxLengthValidator
from django.template import loader
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthenticationForm

from lk3_flow.models import StaffProfile
from lk3_flow.nik import normalise_nik

from .roles import ROLES
from .selectors import NO_ROLE, may_change_email, username_taken


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

    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's Indonesian catalogue reads "nama pengguna nama pengguna" here.
        "invalid_login": _(
            "The login name or the password is wrong. Letter case matters in the password."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_model = get_user_model()
        username_max = user_model._meta.get_field(user_model.USERNAME_FIELD).max_length or 254
        for name, limit in (("username", username_max), ("password", PASSWORD_MAX_LENGTH)):
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)


class RequestedPasswordResetForm(PasswordResetForm):
    """The login page's "forgot your password": a link to every active account of the address.

    The answer is the same whether the address is known or not (Django's view redirects either
    way, and a failure to send is only logged), so that nobody learns who works here. Unlike
    Django's form it also reaches an account whose invitation was never used (it has no
    password yet), so that a colleague whose first link expired can ask for another.
    """

    def get_users(self, email: str) -> Iterable[AbstractBaseUser]:
        user_model = get_user_model()
        field = user_model.get_email_field_name()
        folded = unicodedata.normalize("NFKC", email).casefold()
        return [
            user
            for user in user_model._default_manager.filter(
                **{f"{field}__iexact": email, "is_active": True}
            )
            if unicodedata.normalize("NFKC", getattr(user, field)).casefold() == folded
        ]


# A NIP as people write it, in groups ("19840612 200903 2 004"), is longer than its 18 digits.
NIP_INPUT_MAX_LENGTH = 40


class NipField(forms.CharField):
    """A civil servant's NIP as typed or pasted; cleaned to 18 ASCII digits, or left empty.

    Separators and look-alike digits are dropped or made ASCII as for a NIK; the model's own
    validator then decides, with its message.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=NIP_INPUT_MAX_LENGTH,
            required=False,
            validators=StaffProfile._meta.get_field("nip").validators,
            **kwargs,
        )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> str:
        return normalise_nik(super().to_python(value))


def _user_field(name: str) -> Any:
    return get_user_model()._meta.get_field(name)


def role_field_name(code: str) -> str:
    return f"role_{code}"


class StaffMemberForm(forms.Form):
    """A person's account, roles and profile on one page: no password, a link is e-mailed.

    On an account in use the address is shown but not changed (unless by a superuser): a
    reset link sent to another address would hand the account over.
    """

    username = forms.CharField(
        label=_("Login name"),
        max_length=_user_field("username").max_length,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and . @ + - _ only, e.g. konselor.dewi."),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=_user_field("first_name").max_length
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=_user_field("email").max_length,
        help_text=_("The link to choose a password is sent here."),
    )
    position = forms.CharField(
        label=_("Job title"),
        max_length=StaffProfile._meta.get_field("position").max_length,
        required=False,
        help_text=_("As printed under the signature of letters, e.g. Pekerja Sosial."),
    )
    nip = NipField(
        label=_("NIP"), help_text=_("18 digits; leave it empty for staff who have none.")
    )
    responsible_head = forms.BooleanField(
        label=_("Penanggung Jawab"),
        required=False,
        help_text=_("A head told when a head's decision passes its due date."),
    )

    def __init__(
        self,
        *args: Any,
        actor: AbstractBaseUser,
        user: AbstractBaseUser | None = None,
        role_codes: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self._add_role_boxes(held=set(role_codes))
        if user is None:
            return
        profile = getattr(user, "lk3_profile", None)
        self.initial.update(
            {
                "username": user.get_username(),
                "full_name": user.get_full_name(),
                "email": user.email,
                "position": profile.position if profile else "",
                "nip": profile.nip if profile else "",
                "responsible_head": profile.responsible_head if profile else False,
            }
        )
        if not may_change_email(actor, user):
            email = self.fields["email"]
            email.disabled = True
            email.required = False
            email.help_text = _(
                "The account is in use: only a superuser changes the address its reset links go to."
            )

    def _add_role_boxes(self, held: set[str]) -> None:
        """One box per role after the e-mail address: viewflow's forms draw single check boxes,
        not a multiple choice."""
        fields = list(self.fields.items())
        after = [name for name, _field in fields].index("email") + 1
        boxes = [
            (
                role_field_name(code),
                forms.BooleanField(label=label, required=False, initial=code in held),
            )
            for code, label in role_choices()
        ]
        self.fields = dict(fields[:after] + boxes + fields[after:])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["roles"] = [role.code for role in ROLES if cleaned.get(role_field_name(role.code))]
        return cleaned

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if username_taken(username, other_than=self.user):
            raise forms.ValidationError(_("Another account already has this login name."))
        return username


class StaffSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, login, e-mail, position or NIP"), max_length=100, required=False
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and deactivated")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", _("Every role")),
            *((role.code, role.label) for role in ROLES),
            (NO_ROLE, _("Without a role")),
        ]

    def filters(self) -> dict[str, Any]:
        """The staff directory's filters; an invalid search filters nothing."""
        if not self.is_bound or not self.is_valid():
            return {}
        active = {"yes": True, "no": False}.get(self.cleaned_data["active"])
        return {
            "query": self.cleaned_data["q"],
            "role_code": self.cleaned_data["role"],
            "active": active,
        }


class StaffStatusForm(forms.Form):
    """Deactivate or reactivate: the form names the state wanted, so that a repeated submit
    (a second tab, a double click) cannot undo the first."""

    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"

    to = forms.ChoiceField(
        choices=[(DEACTIVATE, _("Deactivate")), (REACTIVATE, _("Reactivate"))],
        widget=forms.HiddenInput,
    )
    confirm = forms.BooleanField(
        label=_("I confirm"),
        error_messages={"required": _("Tick the box to confirm.")},
    )
