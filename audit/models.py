"""The append-only, hash-chained record of everything that happens to a case."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Action(models.TextChoices):
    CASE_CREATED = "case_created", _("Case registered")
    CASE_CHANGED = "case_changed", _("Case changed")
    CLIENT_CREATED = "client_created", _("Client registered")
    CLIENT_CHANGED = "client_changed", _("Client changed")
    CASE_VIEWED = "case_viewed", _("Case file viewed")
    TASK_CREATED = "task_created", _("Task created")
    TASK_ASSIGNED = "task_assigned", _("Task assigned")
    TASK_STARTED = "task_started", _("Task started")
    TASK_COMPLETED = "task_completed", _("Task completed")
    TASK_RETURNED = "task_returned", _("Returned with comment")
    TASK_CANCELLED = "task_cancelled", _("Task cancelled")
    TASK_REASSIGNED = "task_reassigned", _("Task reassigned")
    LETTER_ISSUED = "letter_issued", _("Letter issued")
    LETTER_FILED = "letter_filed", _("Letter file made")
    LETTER_DOWNLOADED = "letter_downloaded", _("Letter downloaded")
    LETTER_REVOKED = "letter_revoked", _("Letter revoked")
    LETTER_VERIFIED = "letter_verified", _("Letter verified")
    PERMISSION_GRANTED = "permission_granted", _("Access granted")
    PERMISSION_REVOKED = "permission_revoked", _("Access revoked")
    EXPORTED = "exported", _("Exported")
    AUDIT_SEARCHED = "audit_searched", _("Audit search")
    LOGGED_IN = "logged_in", _("Logged in")
    LOGGED_OUT = "logged_out", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    STAFF_CHANGED = "staff_changed", _("Staff account changed")
    ROLE_REQUESTED = "role_requested", _("Role requested")
    ROLE_CONFIRMED = "role_confirmed", _("Role confirmed")
    ROLE_DECLINED = "role_declined", _("Role declined")
    ROLE_CHANGED = "role_changed", _("Roles or permissions changed")
    PASSWORD_RESET_SENT = "password_reset_sent", _("Password reset link sent")
    TASKS_HANDED_OVER = "tasks_handed_over", _("Open tasks handed over")
    DUPLICATE_CHECKED = "duplicate_checked", _("Duplicate client check")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")
    CLIENTS_MERGED = "clients_merged", _("Clients merged")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    ATTACHMENT_DOWNLOADED = "attachment_downloaded", _("Attachment downloaded")
    ATTACHMENT_REMOVED = "attachment_removed", _("Attachment removed")
    NOTE_ADDED = "note_added", _("Case note added")
    CONTACT_LOGGED = "contact_logged", _("Contact recorded")
    PLAN_CHANGE_PROPOSED = "plan_change_proposed", _("Case plan change proposed")
    PLAN_CHANGE_REVIEWED = "plan_change_reviewed", _("Case plan change decided")
    DESK_SERVICE_RECORDED = "desk_service_recorded", _("Consultation or information recorded")
    DESK_SERVICE_CONVERTED = "desk_service_converted", _("Consultation turned into a case")
    OUTREACH_EVENT_RECORDED = "outreach_event_recorded", _("Outreach event recorded")
    OUTREACH_EVENT_CHANGED = "outreach_event_changed", _("Outreach event changed")
    REPORT_ISSUED = "report_issued", _("Periodic report issued")


class AuditEvent(models.Model):
    """One event's content. Database triggers refuse UPDATE and DELETE on this table.

    Its place in the hash chain is its `AuditSeal`, written after commit by the one sealer
    (`sealing.seal_pending`); until then an `AuditPending` row queues it.
    """

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    case = models.ForeignKey(
        "lk3_flow.Case",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("case"),
    )
    object_type = models.CharField(_("object"), max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # Written order, which is the chain's order but for events whose transactions committed
        # out of order: the sealer gives positions in the order it finds events committed.
        ordering = ["pk"]
        indexes = [models.Index(fields=["case", "id"])]

    def __str__(self) -> str:
        return f"{self.pk} {self.action}"


class AuditSeal(models.Model):
    """An event's link in the hash chain. Append-only, like the events (triggers)."""

    # Not a staff member's position (jabatan): its place in the chain.
    position = models.PositiveBigIntegerField(pgettext_lazy("audit chain", "position"), unique=True)
    event = models.OneToOneField(
        AuditEvent, on_delete=models.PROTECT, related_name="seal", verbose_name=_("audit event")
    )
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"#{self.position} {self.hash[:12]}"


class AuditPending(models.Model):
    """A committed event the sealer has not linked yet: the queue lives in the caller's
    transaction, so an event and its place in the queue commit or roll back together.

    Triggers allow deleting a row only once its event has a seal.
    """

    event = models.OneToOneField(
        AuditEvent, on_delete=models.PROTECT, primary_key=True, related_name="pending"
    )

    class Meta:
        verbose_name = _("audit event waiting to be sealed")
        verbose_name_plural = _("audit events waiting to be sealed")

    def __str__(self) -> str:
        return str(self.event_id)


class ChainHead(models.Model):
    """The latest link of the chain; only the sealer moves it, holding its row lock.

    `sealed_at` is when the sealer's last complete round began: every event committed before
    it is sealed. The sealer stamps it on every round, also when nothing waits (a heartbeat).
    """

    count = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.count} {self.hash}"


class SubjectKey(models.Model):
    """The key that seals one data subject's personal values in the log.

    Erasure clears `wrapped_key` and keeps the row, so that readers can say when, by whom and
    why the values went; the events themselves never change, and the chain still verifies.
    """

    subject = models.CharField(_("data subject"), max_length=100, unique=True)
    wrapped_key = models.BinaryField(null=True, blank=True)
    kek_id = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    erased_by_name = models.CharField(_("erased by"), max_length=150, blank=True)
    erasure_reason = models.TextField(_("reason for erasure"), blank=True)

    class Meta:
        verbose_name = _("personal data key")
        verbose_name_plural = _("personal data keys")

    def __str__(self) -> str:
        return self.subject
