"""The case domain: clients, their cases, and everything recorded while helping them."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    CaseStatus,
    ClientKind,
    ClosureReason,
    ConsultationKind,
    ContactChannel,
    InstitutionKind,
    IntakeChannel,
    NextStep,
    PartnerCategory,
    Placement,
    Priority,
    ReferralStatus,
    Relationship,
    Review,
    SessionType,
    Sex,
    Stage,
    priority_rank,
)
from .fields import (
    NARRATIVE_LENGTH,
    NOTE_LENGTH,
    REPORT_LENGTH,
    BoundedDateField,
    BoundedDateTimeField,
    LimitedTextField,
)
from .names import name_key, phone_key
from .nik import FamilyCardNumberField, NikField, ascii_nik_condition

phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{6,20}$",
    _("A phone number may contain only digits, spaces, +, - and parentheses."),
)


class SearchKeysMixin(models.Model):
    """Keeps the stored search keys (`lk3_flow.names`) in step with the values they key.

    Derived columns rather than logic: whatever saves a name saves its key with it, so that no
    writer can leave a client unfindable.
    """

    # key field -> (the field it keys, the key function)
    KEYED: ClassVar[dict[str, tuple[str, Callable[[str], str]]]] = {}

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        for key_field, (source, key_of) in self.KEYED.items():
            setattr(self, key_field, key_of(getattr(self, source)))
            if update_fields is not None and source in update_fields:
                kwargs["update_fields"] = [*kwargs["update_fields"], key_field]
        super().save(*args, **kwargs)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class StaffProfile(models.Model):
    """What letters and assignment need to know about a staff member beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lk3_profile"
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[RegexValidator(r"^\d{18}$", _("A NIP consists of 18 digits."))],
    )
    responsible_head = models.BooleanField(
        _("Penanggung Jawab"),
        default=False,
        help_text=_("Is told when a head's decision passes its due date."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profile")

    def __str__(self) -> str:
        return f"{self.user} ({self.position})"


class Sequence(models.Model):
    """A named, gap-free counter; the row is locked while a number is drawn from it."""

    key = models.CharField(max_length=100, unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequence")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Client(SearchKeysMixin, TimeStamped):
    KEYED = {"name_key": ("full_name", name_key), "phone_key": ("phone", phone_key)}

    kind = models.CharField(_("client type"), max_length=20, choices=ClientKind.choices)
    full_name = models.CharField(_("full name"), max_length=200)
    nik = NikField(_("NIK"), blank=True, db_index=True)
    # The household's card: the members below are the people on it who matter to the case.
    family_card_number = FamilyCardNumberField(_("family card number (No. KK)"), blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    birth_date = BoundedDateField(_("date of birth"), null=True, blank=True)
    # The street, hamlet (kampung), RT/RW: the rest of the address is chosen from the lists.
    address = models.CharField(_("address"), max_length=500, blank=True)
    kecamatan = models.ForeignKey(
        "regions.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    desa = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, validators=[phone_validator]
    )
    # Where the office may send the client a reminder of a session (`reminders`).
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # Set when a head found this client to be another one registered twice: the cases and the
    # household moved there, and this row keeps only its number for the records that cite it.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_clients",
        verbose_name=_("merged into"),
    )
    name_key = models.CharField(max_length=250, blank=True, editable=False)
    phone_key = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("client")
        indexes = [models.Index(fields=["birth_date", "full_name"])]
        constraints = [
            models.CheckConstraint(
                condition=ascii_nik_condition("nik"), name="lk3_client_nik_ascii_digits"
            ),
            models.CheckConstraint(
                condition=ascii_nik_condition("family_card_number"),
                name="lk3_client_family_card_ascii_digits",
            ),
        ]

    def __str__(self) -> str:
        # The label that logs, the audit trail and admin records keep: the number, never the name.
        return f"K-{self.pk:06d}" if self.pk else "K-?"


class HouseholdMember(SearchKeysMixin, models.Model):
    """A person of the client's household, whom a session, a referral or a letter can be about."""

    KEYED = {"name_key": ("full_name", name_key)}

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    nik = NikField(_("NIK"), blank=True)
    relationship = models.CharField(
        _("family relationship"), max_length=20, choices=Relationship.choices
    )
    # What the list cannot say ("anak tiri", "keponakan"), and the words typed before the list.
    relationship_note = models.CharField(_("relationship details"), max_length=60, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    birth_date = BoundedDateField(_("date of birth"), null=True, blank=True)
    name_key = models.CharField(max_length=250, blank=True, editable=False)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household member")
        constraints = [
            models.CheckConstraint(
                condition=ascii_nik_condition("nik"), name="lk3_member_nik_ascii_digits"
            )
        ]

    def __str__(self) -> str:
        # As the client's: logs and the admin keep a number, never a name.
        return f"{self.client}/A-{self.pk}" if self.pk else f"{self.client}/A-?"


def person_concerned_field() -> models.ForeignKey:
    """Whom a session or a referral is about when not the client: one of their household.

    Protected: the record must keep naming the person it was about, so a member named by one is
    not removed from the household (the correction refuses it) and erasure blanks their identity
    instead of deleting them.
    """
    return models.ForeignKey(
        HouseholdMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )


class Case(TimeStamped):
    number = models.CharField(_("case number"), max_length=30, unique=True)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    process = models.OneToOneField(
        "viewflow.Process", on_delete=models.PROTECT, related_name="case", null=True
    )
    problem_categories = models.JSONField(_("problem categories"), default=list)
    services = models.JSONField(_("services needed"), default=list)
    channel = models.CharField(_("intake channel"), max_length=30, choices=IntakeChannel.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    sensitive = models.BooleanField(_("sensitive case"), default=False)
    complaint = LimitedTextField(_("initial complaint"), max_length=NARRATIVE_LENGTH)
    consent_given = models.BooleanField(_("service consent given"), default=False)
    consent_date = BoundedDateField(_("consent date"), null=True, blank=True)
    consent_share_with_partners = models.BooleanField(
        _("client allows a case summary to be shared with referral partners"), default=False
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counseled_cases",
        verbose_name=_("counselor"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registered_cases",
        verbose_name=_("registered by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, default=Stage.INTAKE)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # When the wait that is due at `due_at` was reported overdue: the escalation timer has
    # fired. Entering a stage clears it, so each wait is reported once.
    overdue_reported_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawal_reason = LimitedTextField(
        _("reason for withdrawal"), max_length=NOTE_LENGTH, blank=True
    )
    reopened_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reopenings",
        verbose_name=_("reopened from"),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("case")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["counselor", "status"]),
            models.Index(fields=["stage"]),
            models.Index(fields=["due_at"], name="lk3_case_due"),
            # The escalation timers still to fire.
            models.Index(
                fields=["due_at"],
                condition=Q(status=CaseStatus.OPEN, overdue_reported_at__isnull=True),
                name="lk3_case_overdue_unreported",
            ),
            models.Index(fields=["-created_at"], name="lk3_case_newest_first"),
            # The lists' default order, most pressing first: without it a list of every case
            # sorts them all to show 25.
            models.Index(
                priority_rank(), "due_at", "created_at", "id", name="lk3_case_most_pressing"
            ),
        ]
        permissions = [
            ("register_case", _("Can register new clients and cases")),
            ("manage_case", _("Can assign counselors, approve, and withdraw cases")),
            ("audit_case", _("Can browse all cases without changing them")),
        ]

    def __str__(self) -> str:
        return self.number


class HeadReview(models.Model):
    """The head's decision on a counselor's proposal: approved, or returned with a note."""

    review = models.CharField(
        _("decision"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    review_comment = LimitedTextField(_("head's note"), max_length=NOTE_LENGTH, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Assessment(TimeStamped, HeadReview):
    """An assessment with its intervention plan; a returned one is kept and a new one follows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    presenting_problem = LimitedTextField(_("presenting problem"), max_length=REPORT_LENGTH)
    family_situation = LimitedTextField(_("family situation"), max_length=REPORT_LENGTH)
    strengths = LimitedTextField(_("strengths/potential"), max_length=REPORT_LENGTH)
    risks = LimitedTextField(_("risks"), max_length=REPORT_LENGTH)
    needs = LimitedTextField(_("needs"), max_length=REPORT_LENGTH)
    goals = LimitedTextField(_("intervention goals"), max_length=REPORT_LENGTH)
    planned_services = models.JSONField(_("planned services"), default=list)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessment")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.created_at:%Y-%m-%d}"


class CounselingSession(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = BoundedDateTimeField(_("scheduled time"))
    held_at = BoundedDateTimeField(_("time held"), null=True, blank=True)
    session_type = models.CharField(_("session type"), max_length=20, choices=SessionType.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    next_session_at = BoundedDateTimeField(_("next session scheduled at"), null=True, blank=True)
    notes = LimitedTextField(_("session notes"), max_length=REPORT_LENGTH)
    progress = LimitedTextField(_("client progress"), max_length=NARRATIVE_LENGTH, blank=True)
    next_step = models.CharField(_("next step"), max_length=30, choices=NextStep.choices)
    person_concerned = person_concerned_field()

    class Meta:
        verbose_name = _("counseling session")
        verbose_name_plural = _("counseling session")
        ordering = ["scheduled_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.scheduled_at:%Y-%m-%d}"


class Partner(TimeStamped):
    """An institution of the referral network (jaringan kerja)."""

    name = models.CharField(_("institution name"), max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=30, choices=PartnerCategory.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, validators=[phone_validator]
    )
    email = models.EmailField(_("email"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("referral partner")
        verbose_name_plural = _("referral partner")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Referral(TimeStamped):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("partner")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = LimitedTextField(_("reason for referral"), max_length=NARRATIVE_LENGTH)
    services_requested = models.JSONField(_("services requested"), default=list)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PROPOSED
    )
    review_comment = LimitedTextField(_("head's note"), max_length=NOTE_LENGTH, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("date sent"), null=True, blank=True)
    partner_response = LimitedTextField(
        _("partner's response"), max_length=NARRATIVE_LENGTH, blank=True
    )
    responded_at = models.DateTimeField(_("date of response"), null=True, blank=True)
    person_concerned = person_concerned_field()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referral")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.partner}"


class Closure(TimeStamped, HeadReview):
    """A proposal to end the service; approved, it closes the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason for closure"), max_length=30, choices=ClosureReason.choices)
    summary = LimitedTextField(_("service summary"), max_length=REPORT_LENGTH)
    follow_up_plan = LimitedTextField(_("follow-up plan"), max_length=NARRATIVE_LENGTH, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closure")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_reason_display()}"


class CounselorChange(models.Model):
    """A head moving a case from one counselor to another, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="counselor_changes")
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("previous counselor"),
    )
    new = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("new counselor"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = LimitedTextField(_("reason"), max_length=NOTE_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("counselor change")
        verbose_name_plural = _("counselor changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.previous} → {self.new}"


# The services given within a case besides counseling and referral, each a step of the flow: a
# home visit and an accompaniment are prepared (their letter of assignment is issued on what the
# preparation says) and then reported; a protection is proposed, approved by the head, and its
# end recorded; a consultation is recorded once. Each report says what the counselor chose next.


class Activity(TimeStamped):
    """What every service activity of a case records: whose, about whom, and what comes next."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="%(class)ss")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counselor"),
    )
    person_concerned = person_concerned_field()
    # Empty while the activity is prepared and not yet reported.
    next_step = models.CharField(
        _("next step"), max_length=30, choices=NextStep.choices, blank=True
    )

    class Meta:
        abstract = True


class HomeVisit(Activity):
    """Penjangkauan: a visit to the client's home or wherever the family can be found."""

    planned_on = BoundedDateField(_("planned date"))
    place = models.CharField(_("place"), max_length=300)
    purpose = LimitedTextField(_("purpose of the visit"), max_length=NOTE_LENGTH)
    visited_on = BoundedDateField(_("date of the visit"), null=True, blank=True)
    persons_met = models.CharField(_("who was met"), max_length=300, blank=True)
    findings = LimitedTextField(_("findings"), max_length=REPORT_LENGTH, blank=True)

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["case", "planned_on"], name="lk3_visit_case")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.planned_on}"


class Accompaniment(Activity):
    """Pendampingan: going with the client to the police, a court, a hospital or a school."""

    institution_kind = models.CharField(
        _("kind of institution"), max_length=20, choices=InstitutionKind.choices
    )
    institution_name = models.CharField(_("institution"), max_length=200)
    purpose = LimitedTextField(_("purpose"), max_length=NOTE_LENGTH)
    planned_on = BoundedDateField(_("planned date"))
    accompanied_on = BoundedDateField(_("date of the accompaniment"), null=True, blank=True)
    outcome = LimitedTextField(_("outcome"), max_length=NARRATIVE_LENGTH, blank=True)

    class Meta:
        verbose_name = _("accompaniment")
        verbose_name_plural = _("accompaniments")
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["case", "planned_on"], name="lk3_accompaniment_case")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.planned_on}"


class Protection(Activity, HeadReview):
    """Perlindungan: a safe placement the head approves before it starts, until it ends."""

    placement = models.CharField(_("placement"), max_length=20, choices=Placement.choices)
    institution_name = models.CharField(_("receiving institution or family"), max_length=200)
    institution_address = models.CharField(_("its address"), max_length=300)
    reason = LimitedTextField(_("reason for protection"), max_length=NARRATIVE_LENGTH)
    starts_on = BoundedDateField(_("start date"))
    planned_end_on = BoundedDateField(_("planned end date"))
    ended_on = BoundedDateField(_("end date"), null=True, blank=True)
    outcome = LimitedTextField(
        _("how the placement ended"), max_length=NARRATIVE_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("protection")
        verbose_name_plural = _("protections")
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["case", "starts_on"], name="lk3_protection_case")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.starts_on}"


class Consultation(Activity):
    """Konsultasi or pemberian informasi within a case: one conversation and what was given."""

    kind = models.CharField(_("service"), max_length=20, choices=ConsultationKind.choices)
    held_at = BoundedDateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    topic = models.CharField(_("topic"), max_length=200)
    given = LimitedTextField(_("advice or information given"), max_length=NARRATIVE_LENGTH)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["held_at", "id"]
        indexes = [models.Index(fields=["case", "held_at"], name="lk3_consultation_case")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.held_at:%Y-%m-%d}"
