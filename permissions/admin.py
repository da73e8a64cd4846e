"""Staff administration in `/admin/`, built so that it never leads its user to the case files.

Django's own user page lets whoever may change users tick "superuser", put anyone (themselves
included) into any group, grant single permissions and type a new password for anyone: each of
those is a way into every case file. Here, instead:

- roles are ticked, never groups; a role that sees every case (Pimpinan, Auditor) is only
  requested, and takes effect when a head or a superuser other than the requester confirms it;
- nobody changes their own roles, status or permissions;
- only a superuser sets the superuser and staff flags or single permissions, and only on others;
- nobody types a password for someone else: a new account has none, and a reset link goes to
  the person's own address. So that the link cannot be redirected, only a superuser changes the
  address of an account that has already been in use;
- a superuser's account is read-only to everyone else.

Every resulting change is an audit event (`permissions.receivers`), shown to the heads.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .forms import role_choices
from .models import RoleRequest
from .selectors import role_codes_of
from .services import change_roles, send_password_reset

User = get_user_model()


def _roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        choices=role_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class StaffCreationForm(forms.ModelForm):
    """A new colleague's account: no password here; they choose it from an e-mailed link."""

    roles = _roles_field()

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The link to choose a password is sent here.")

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class StaffChangeForm(forms.ModelForm):
    roles = _roles_field()

    class Meta:
        model = User
        fields = ("username",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "roles" in self.fields and self.instance.pk:
            self.fields["roles"].initial = sorted(role_codes_of(self.instance))


def _invitation_pending(user: Any) -> bool:
    """Nobody has used the account yet: its address can still be corrected without risk."""
    return user.last_login is None and not user.has_usable_password()


class StaffAdmin(UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    add_form_template = None
    list_display = ("username", "first_name", "last_name", "email", "is_active", "role_names")
    filter_horizontal = ("user_permissions",)
    actions = ["send_reset_links"]

    @staticmethod
    def _may_escalate(request: HttpRequest, obj: Any) -> bool:
        """Only a superuser gives another account superuser, staff or single permissions."""
        return request.user.is_superuser and obj is not None and obj.pk != request.user.pk

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                (None, {"fields": ("username", "first_name", "last_name", "email")}),
                (_("Roles"), {"fields": ("roles",)}),
            ]
        rights = ["role_names" if obj.pk == request.user.pk else "roles", "pending_role_requests"]
        if self._may_escalate(request, obj):
            rights.append("user_permissions")
        return [
            (None, {"fields": ("username",)}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
            (_("Roles"), {"fields": rights}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        ]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        """Without the roles field where the page does not show it (on one's own account).

        A form keeps its declared fields whatever the page lists, so a posted `roles` would
        otherwise still be read.
        """
        form = super().get_form(request, obj, **kwargs)
        if "roles" not in flatten_fieldsets(self.get_fieldsets(request, obj)):
            del form.base_fields["roles"]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        readonly = ["last_login", "date_joined", "role_names", "pending_role_requests"]
        if not self._may_escalate(request, obj):
            readonly += ["is_staff", "is_superuser"]
        if obj.pk == request.user.pk:
            readonly.append("is_active")
        if not request.user.is_superuser and not _invitation_pending(obj):
            readonly.append("email")
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        if "roles" in form.cleaned_data:
            for role_request in change_roles(
                actor=request.user, user=user, role_codes=form.cleaned_data["roles"]
            ):
                self.message_user(
                    request,
                    gettext("%(role)s for %(user)s takes effect when a head confirms it.")
                    % {"role": role_request.get_role_display(), "user": user.get_username()},
                    messages.INFO,
                )
        if not change:
            self._send_reset_link(request, user)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Nobody sets another person's password here; a reset link lets them choose it."""
        raise PermissionDenied

    @admin.action(description=_("Send a password reset link"), permissions=["change"])
    def send_reset_links(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        sent = sum(self._send_reset_link(request, user) for user in queryset)
        if sent:
            self.message_user(
                request,
                ngettext(
                    "A password reset link was sent to %(count)d person.",
                    "A password reset link was sent to %(count)d people.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        return None

    def _send_reset_link(self, request: HttpRequest, user: Any) -> bool:
        try:
            send_password_reset(
                actor=request.user,
                user=user,
                domain=request.get_host(),
                use_https=request.is_secure(),
            )
        except ValidationError as error:
            self.message_user(
                request, f"{user.get_username()}: {' '.join(error.messages)}", messages.WARNING
            )
            return False
        except OSError:
            self.message_user(
                request,
                gettext("The mail server did not accept the link for %(user)s; try again later.")
                % {"user": user.get_username()},
                messages.ERROR,
            )
            return False
        return True

    @admin.display(description=_("Roles"))
    def role_names(self, obj: Any) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"

    @admin.display(description=_("Awaiting confirmation"))
    def pending_role_requests(self, obj: Any) -> str:
        pending = obj.role_requests.filter(status=RoleRequest.Status.PENDING).select_related(
            "requested_by"
        )
        return (
            "; ".join(
                gettext("%(role)s, requested by %(by)s on %(date)s")
                % {
                    "role": request.get_role_display(),
                    "by": request.requested_by.get_username() if request.requested_by else "—",
                    "date": formats.date_format(request.requested_at, "j F Y"),
                }
                for request in pending
            )
            or "—"
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("groups")


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffAdmin)
