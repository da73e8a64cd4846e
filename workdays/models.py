"""The administrator's corrections to the national calendar, and the allowance of each step."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lk3_flow.choices import Stage
from lk3_flow.fields import BoundedDateField

# Working days a case may wait at each step when the administrator has not set its own, as the
# office's service standard proposes them. A counseling session is due on the day the next one is
# scheduled; these 10 days hold when none is.
DEFAULT_ALLOWANCES: dict[str, int] = {
    Stage.ASSIGN_COUNSELOR: 1,
    Stage.ASSESSMENT: 5,
    Stage.APPROVE_ASSESSMENT: 2,
    Stage.COUNSELING: 10,
    Stage.PROPOSE_REFERRAL: 3,
    Stage.APPROVE_REFERRAL: 2,
    Stage.PARTNER_RESPONSE: 10,
    Stage.PROPOSE_CLOSURE: 3,
    Stage.APPROVE_CLOSURE: 2,
    Stage.PREPARE_HOME_VISIT: 2,
    Stage.HOME_VISIT: 10,
    Stage.PREPARE_ACCOMPANIMENT: 2,
    Stage.ACCOMPANIMENT: 10,
    # Someone waits for a safe place: the proposal and the decision are a day's work each.
    Stage.PROPOSE_PROTECTION: 1,
    Stage.APPROVE_PROTECTION: 1,
    Stage.PROTECTION: 30,
    Stage.CONSULTATION: 5,
}
MAX_WORKING_DAYS = 250


class CalendarException(models.Model):
    """A day the office keeps otherwise than the national calendar says: a cuti bersama decreed
    after the `holidays` package was released, a regional day off, a Saturday made a working
    day, or a national holiday the office works."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day")

    date = BoundedDateField(_("date"), unique=True)
    kind = models.CharField(_("kind of day"), max_length=20, choices=Kind.choices)
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("For example: cuti bersama decreed by the joint ministerial decree."),
    )

    class Meta:
        verbose_name = _("office calendar day")
        verbose_name_plural = _("office calendar days")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class StepAllowance(models.Model):
    """How many working days a case may wait at a step before it is overdue."""

    stage = models.CharField(
        _("step"),
        max_length=30,
        unique=True,
        choices=[(stage.value, stage.label) for stage in DEFAULT_ALLOWANCES],
    )
    # At most a working year: a longer wait is no deadline, and each day is counted one by one.
    working_days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAYS)]
    )

    class Meta:
        verbose_name = _("step allowance")
        verbose_name_plural = _("step allowances")
        ordering = ["stage"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_days__gte=1, working_days__lte=MAX_WORKING_DAYS),
                name="workdays_allowance_within_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.working_days}"
