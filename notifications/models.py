"""What the office tells its people: in the app (the bell) and by e-mail.

A notification names a case by its number and links to it; it never carries a client's name or
anything of the case file, since e-mail leaves the office's hands. Its text is made when it is
shown, in the reader's language, from its kind and the case number.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lk3_flow.models import Case
from lk3_flow.outbox import EmailDelivery


class Kind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("A case assigned to me")
    WORK_RETURNED = "work_returned", _("My work returned by a head")
    DECISION_WAITING = "decision_waiting", _("A decision waiting for me")
    OVERDUE = "overdue", _("Work past its due date")
    PARTNER_RESPONSE_DUE = "partner_response_due", _("A partner's response due")
    DAILY_DIGEST = "daily_digest", _("Daily digest for heads")


class Notification(EmailDelivery):
    """One thing one person is told. `event_key` names the event it tells of, so that an event
    told twice (two schedulers, a retried request) still makes one notification per person."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    event_key = models.CharField(max_length=100)
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    # The digest's figures: counts only, never names.
    figures = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    in_app = models.BooleanField(default=True)
    # Sent by e-mail too, once (lk3_flow.outbox).
    by_email = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            )
        ]
        indexes = [
            # The bell's unread count, on every page.
            models.Index(
                fields=["recipient"],
                condition=Q(in_app=True, read_at__isnull=True),
                name="notification_unread",
            ),
            # The person's list, newest first.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=Q(in_app=True),
                name="notification_newest",
            ),
            # E-mails still to send, for the sweep that re-queues those a queue lost.
            models.Index(
                fields=["created_at"],
                condition=Q(by_email=True, emailed_at__isnull=True, email_failed_at__isnull=True),
                name="notification_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Preference(models.Model):
    """A person's choice for one kind; without a row, both channels are on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    in_app = models.BooleanField(_("in the app"), default=True)
    by_email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"
