"""Reminders of a counseling session sent to a client, by WhatsApp or by e-mail.

A reminder names the case and the session it reminds of, never the message: the message is
made from them (`services.reminder_text`), and the client's phone number or e-mail address is
read from the client when it is used, so that erasing the client leaves nothing of them here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lk3_flow.models import Case, CounselingSession
from lk3_flow.outbox import EmailDelivery


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class Reminder(EmailDelivery):
    """One reminder prepared for the client. A WhatsApp one is sent by the person from their own
    phone (the office only prepares the message); an e-mail goes through the job queue, once
    (`lk3_flow.outbox`)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("case")
    )
    session = models.ForeignKey(
        CounselingSession,
        on_delete=models.PROTECT,
        related_name="reminders",
        verbose_name=_("counseling session"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="reminders_reminder_channel"
            )
        ]
        indexes = [
            # E-mails still to send, for the sweep that re-queues those a queue lost.
            models.Index(
                fields=["created_at"],
                condition=Q(channel="email", emailed_at__isnull=True, email_failed_at__isnull=True),
                name="reminder_email_pending",
            ),
        ]

    def __str__(self) -> str:
        # What the admin and logs keep as its label: never the client's name or number.
        return f"{self.case} · {self._meta.verbose_name} {self.pk}"
