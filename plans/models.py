"""The case plan (rencana intervensi): the goals the office works towards with a client.

Goals are written with the assessment and become the plan when a head approves it; each goal's
status is reviewed at every session the counselor records; later changes are proposed by the
case's counselor and take effect only once a head approves them. A goal's description is the
client's personal text, as the assessment's own sections are.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lk3_flow.fields import NOTE_LENGTH, BoundedDateField, LimitedTextField
from lk3_flow.models import Assessment, Case, HeadReview

# "Pasangan menyepakati cara berkomunikasi tanpa kekerasan": one aim, not an essay.
GOAL_LENGTH = 500
# What changed since the last session, in a line or two.
REVIEW_NOTE_LENGTH = 500
# How many goals a plan may hold: a plan of more cannot be followed session by session.
MAX_GOALS = 10


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    DROPPED = "dropped", _("Dropped")


# Goals still being worked on: reviewed at each session, and their services still planned.
OPEN_STATUSES = (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS)
# What a session's review may set; a goal is dropped only through an approved plan change.
REVIEW_STATUSES = (
    GoalStatus.PLANNED,
    GoalStatus.IN_PROGRESS,
    GoalStatus.ACHIEVED,
    GoalStatus.NOT_ACHIEVED,
)


class Goal(models.Model):
    """One goal of a case's plan, with the services that serve it and the person answering for it.

    Written with an assessment (`assessment`), it is part of the plan once a head approved that
    assessment (`approved`); added by a plan change (`plan_change`), once the head approved it.
    A returned assessment keeps its goals as they were proposed.
    """

    PERSONAL_FIELDS = ("description", "drop_reason")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="goals", verbose_name=_("case")
    )
    position = models.PositiveSmallIntegerField(_("number"))
    description = LimitedTextField(_("goal"), max_length=GOAL_LENGTH)
    services = models.JSONField(_("services"), default=list)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible"),
    )
    target_date = BoundedDateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED
    )
    approved = models.BooleanField(_("approved"), default=False)
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan_goals",
        verbose_name=_("written in the assessment"),
    )
    plan_change = models.ForeignKey(
        "PlanChange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="added_goals",
        verbose_name=_("added by the plan change"),
    )
    drop_reason = LimitedTextField(_("reason for dropping"), max_length=NOTE_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["case", "approved", "position"], name="plans_goal_of_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="plans_goal_status"
            ),
        ]

    def __str__(self) -> str:
        # What the audit log and the admin keep as its label: never the text.
        return f"{self.case} · {self._meta.verbose_name} {self.position}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class GoalReview(models.Model):
    """A goal's status as the counselor found it at a step of the process, with a short note."""

    PERSONAL_FIELDS = ("note",)

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("goal")
    )
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices)
    note = LimitedTextField(_("note"), max_length=REVIEW_NOTE_LENGTH, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))
    # The step in which it was reviewed (a session, a visit): the review belongs to its record.
    task = models.ForeignKey(
        "viewflow.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("step"),
    )

    class Meta:
        verbose_name = _("goal review")
        verbose_name_plural = _("goal reviews")
        ordering = ["-reviewed_at", "-id"]
        indexes = [
            models.Index(fields=["goal", "-reviewed_at", "-id"], name="plans_review_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.goal} · {self.reviewed_at:%Y-%m-%d}"


class PlanChange(HeadReview):
    """A counselor's proposal to change the approved plan, and the head's decision on it.

    `goals` holds the plan as proposed, one entry per goal:
    {"goal": id or null for a new goal, "description", "services", "responsible": user id,
    "target_date": ISO date, "drop": bool, "drop_reason"}. Approving it applies the entries to
    the goals in one transaction; a returned one stays as the record of what was asked.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="plan_changes", verbose_name=_("case")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    reason = LimitedTextField(_("reason for the change"), max_length=NOTE_LENGTH)
    goals = models.JSONField(_("goals as proposed"), default=list)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["review", "created_at"], name="plans_change_by_review"),
        ]
        constraints = [
            # One pending change at a time: a second would be decided against a plan that the
            # first may already have changed.
            models.UniqueConstraint(
                fields=["case"], condition=Q(review="pending"), name="plans_one_pending_change"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self._meta.verbose_name} {self.pk}"
