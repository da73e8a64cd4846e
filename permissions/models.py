"""Per-case permissions, the sessions a person has open, and requests for powerful roles.

Guardian's direct foreign-key tables: a case list joins them instead of asking per row, and the
rows go away with their case.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .roles import CONFIRMED_ROLES, ROLES_BY_CODE

CONFIRMED_ROLE_CHOICES = [(role.code, role.label) for role in CONFIRMED_ROLES]


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(
        "lk3_flow.Case", on_delete=models.CASCADE, related_name="user_permissions"
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("case permission of a user")
        verbose_name_plural = _("case permissions of users")


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        "lk3_flow.Case", on_delete=models.CASCADE, related_name="group_permissions"
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("case permission of a group")
        verbose_name_plural = _("case permissions of groups")


class UserSession(models.Model):
    """A login's session, so that a person can end all of their sessions at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lk3_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class RoleRequest(models.Model):
    """A role that opens every case file, asked for by one person and decided by another.

    The role takes effect only when a head or a superuser who is neither the requester nor the
    person concerned confirms it, so no single account can give itself or an accomplice the
    whole office's case files.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_requests",
        verbose_name=_("staff member"),
    )
    role = models.CharField(_("role"), max_length=30, choices=CONFIRMED_ROLE_CHOICES)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("role request")
        verbose_name_plural = _("role requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def group_name(self) -> str:
        return ROLES_BY_CODE[self.role].group_name
