"""Services given without a case file, and outreach events.

A consultation or an information request is often one conversation that never becomes a case
file; an outreach event is counted by attendance. Both are counted in the office's reports to
the Dinas Sosial, so each keeps what a report counts: when, which service, how, who asked (a
person's sex and age group, never more than they chose to tell), where, about what and who
handled it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lk3_flow.choices import ProblemCategory, Sex
from lk3_flow.fields import (
    NARRATIVE_LENGTH,
    NOTE_LENGTH,
    BoundedDateField,
    BoundedDateTimeField,
    LimitedTextField,
)
from lk3_flow.models import Case, phone_validator

from .choices import (
    COUNTED_REQUESTERS,
    AgeGroup,
    AudienceKind,
    Channel,
    DeskServiceKind,
    FollowUp,
    OutreachKind,
    RequesterKind,
)

# A question or a subject in a line: "hak asuh anak setelah cerai", not the story behind it.
TOPIC_LENGTH = 300


def check_place(record: "DeskService | OutreachEvent") -> None:
    """A village lies in the district chosen; the district follows from a village alone."""
    if record.desa_id is None:
        return
    if record.kecamatan_id is None:
        record.kecamatan_id = record.desa.district_id
    elif record.desa.district_id != record.kecamatan_id:
        raise ValidationError(
            {
                "desa": _("%(village)s is not in the district of %(district)s.")
                % {"village": record.desa.name, "district": record.kecamatan.name}
            }
        )


def district_field() -> models.ForeignKey:
    return models.ForeignKey(
        "regions.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )


def village_field() -> models.ForeignKey:
    return models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )


class DeskService(models.Model):
    """A consultation or an information request given without a case file."""

    # What only the requester could be recognised by: never in the audit log's details.
    PERSONAL_FIELDS = ("requester_name", "phone", "topic", "answer")

    service = models.CharField(_("service"), max_length=20, choices=DeskServiceKind.choices)
    occurred_at = BoundedDateTimeField(_("date and time"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    requester_kind = models.CharField(_("requester"), max_length=20, choices=RequesterKind.choices)
    requester_name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Optional for a person, who may stay anonymous; the name of a group."),
    )
    head_count = models.PositiveIntegerField(
        _("number of people"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For a group or an organisation."),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    age_group = models.CharField(
        _("age group"), max_length=20, choices=AgeGroup.choices, blank=True
    )
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, validators=[phone_validator]
    )
    kecamatan = district_field()
    desa = village_field()
    problem_categories = models.JSONField(_("problem categories"), default=list, blank=True)
    topic = models.CharField(_("question or topic"), max_length=TOPIC_LENGTH)
    answer = LimitedTextField(_("answer or information given"), max_length=NARRATIVE_LENGTH)
    follow_up = models.CharField(
        _("follow-up"), max_length=10, choices=FollowUp.choices, default=FollowUp.NONE
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    # The case it became: set once, by the registration it led to (`services.link_to_case`).
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="desk_services",
        verbose_name=_("case"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation or information")
        verbose_name_plural = _("consultations and information")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="desk_service_newest"),
            models.Index(
                fields=["handled_by", "-occurred_at", "-id"], name="desk_service_handler_newest"
            ),
            models.Index(fields=["service", "-occurred_at"], name="desk_service_by_service"),
            models.Index(fields=["channel", "-occurred_at"], name="desk_service_by_channel"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__in=DeskServiceKind.values), name="desk_service_service"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="desk_service_channel"
            ),
            models.CheckConstraint(
                condition=Q(requester_kind__in=RequesterKind.values),
                name="desk_service_requester_kind",
            ),
            # The follow-up says "became a case" exactly when it names the case.
            models.CheckConstraint(
                condition=Q(follow_up=FollowUp.CASE, case__isnull=False)
                | Q(follow_up=FollowUp.NONE, case__isnull=True),
                name="desk_service_follow_up_names_case",
            ),
        ]

    def __str__(self) -> str:
        # What the audit log and the admin keep as its label: a number, never a name.
        return f"L-{self.pk:06d}" if self.pk else "L-?"

    def clean(self) -> None:
        """A person is one person; a group or an organisation is named and counted."""
        errors: dict[str, str] = {}
        if not isinstance(self.problem_categories, list) or not set(self.problem_categories) <= set(
            ProblemCategory.values
        ):
            errors["problem_categories"] = _("Choose problem categories from the list.")
        if self.requester_kind == RequesterKind.INDIVIDUAL:
            if self.head_count is not None:
                errors["head_count"] = _("A number of people is recorded for a group only.")
        else:
            if not self.requester_name.strip():
                errors["requester_name"] = _("Name the group, institution or organisation.")
            if self.sex or self.age_group:
                errors["sex"] = _("Sex and age group are recorded for one person only.")
            if self.requester_kind in COUNTED_REQUESTERS and self.head_count is None:
                errors["head_count"] = _("How many people did the group or organisation count?")
        if errors:
            raise ValidationError(errors)
        check_place(self)


class OutreachEvent(models.Model):
    """An awareness talk, a socialisation or a field visit, counted by attendance.

    It names no client: the audience is described as a group ("ibu-ibu PKK Desa Sukamaju").
    """

    kind = models.CharField(_("kind of event"), max_length=20, choices=OutreachKind.choices)
    held_on = BoundedDateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    kecamatan = district_field()
    desa = village_field()
    audience_kind = models.CharField(_("audience"), max_length=20, choices=AudienceKind.choices)
    audience_description = models.CharField(
        _("audience description"),
        max_length=300,
        blank=True,
        help_text=_("For example: PKK mothers of the village, grade 9 pupils."),
    )
    men = models.PositiveIntegerField(_("men attending"), default=0)
    women = models.PositiveIntegerField(_("women attending"), default=0)
    total = models.GeneratedField(
        expression=F("men") + F("women"),
        output_field=models.PositiveIntegerField(_("total attending")),
        db_persist=True,
        verbose_name=_("total attending"),
    )
    topic = models.CharField(_("topic"), max_length=300)
    materials = LimitedTextField(
        _("materials"),
        max_length=NOTE_LENGTH,
        blank=True,
        help_text=_("What was presented or handed out: leaflets, slides, booklets."),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("officers")
    )
    notes = LimitedTextField(_("notes"), max_length=NOTE_LENGTH, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["-held_on", "-id"], name="desk_outreach_newest"),
            models.Index(fields=["kind", "-held_on"], name="desk_outreach_by_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OutreachKind.values), name="desk_outreach_kind"
            ),
            models.CheckConstraint(
                condition=Q(audience_kind__in=AudienceKind.values),
                name="desk_outreach_audience_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"P-{self.pk:06d}" if self.pk else "P-?"

    def clean(self) -> None:
        if (self.men or 0) + (self.women or 0) < 1:
            raise ValidationError({"women": _("Enter how many men and women attended.")})
        check_place(self)
