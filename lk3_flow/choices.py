"""Closed vocabularies of the case domain, shared by models, forms and the demo data."""

from django.db import models
from django.db.models import Case as Choose
from django.db.models import IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    FAMILY = "family", _("Family")
    GROUP = "group", _("Group")
    INSTITUTION = "institution", _("Institution")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relationship(models.TextChoices):
    """A household member's relationship to the client, in the family card's (KK) closed list
    of Dukcapil, so that the office's records read as the card does."""

    HEAD_OF_FAMILY = "head_of_family", _("Head of family")
    HUSBAND = "husband", _("Husband")
    WIFE = "wife", _("Wife")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


# The words of the family card itself: letters are always written in Indonesian, whatever the
# reader's interface language (see `letters.content`).
RELATIONSHIP_TERMS = {
    Relationship.HEAD_OF_FAMILY: "Kepala Keluarga",
    Relationship.HUSBAND: "Suami",
    Relationship.WIFE: "Istri",
    Relationship.CHILD: "Anak",
    Relationship.CHILD_IN_LAW: "Menantu",
    Relationship.GRANDCHILD: "Cucu",
    Relationship.PARENT: "Orang Tua",
    Relationship.PARENT_IN_LAW: "Mertua",
    Relationship.OTHER_RELATIVE: "Famili Lain",
    Relationship.OTHER: "Lainnya",
}


class AgeGroup(models.TextChoices):
    """The age groups the office reports people by, clients and anonymous requesters alike."""

    CHILD = "child", _("Child (under 18)")
    YOUNG_ADULT = "young_adult", _("Young adult (18-24)")
    ADULT = "adult", _("Adult (25-59)")
    ELDERLY = "elderly", _("Elderly (60 and over)")


# Each group's ages in full years, from (inclusive) and below (exclusive); None is open-ended.
AGE_GROUP_YEARS: dict[str, tuple[int | None, int | None]] = {
    AgeGroup.CHILD: (None, 18),
    AgeGroup.YOUNG_ADULT: (18, 25),
    AgeGroup.ADULT: (25, 60),
    AgeGroup.ELDERLY: (60, None),
}


class ProblemCategory(models.TextChoices):
    MARITAL_CONFLICT = "marital_conflict", _("Marital conflict")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    PARENTING = "parenting", _("Parenting")
    JUVENILE_DELINQUENCY = "juvenile_delinquency", _("Juvenile delinquency")
    ECONOMIC = "economic", _("Economic problems")
    DIVORCE = "divorce", _("Divorce")
    DISABILITY = "disability", _("Disability")
    ELDERLY = "elderly", _("Elderly")
    OTHER = "other", _("Other")


class Service(models.TextChoices):
    """The seven services an LK3 gives families (Permensos 25/2017)."""

    COUNSELING = "counseling", _("Counseling")
    CONSULTATION = "consultation", _("Consultation")
    INFORMATION = "information", _("Information")
    OUTREACH = "outreach", _("Outreach")
    PROTECTION = "protection", _("Protection")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    REFERRAL = "referral", _("Referral")


class IntakeChannel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    OUTREACH = "outreach", _("Outreach")
    INCOMING_REFERRAL = "incoming_referral", _("Referral from another institution")
    PHONE_ONLINE = "phone_online", _("Phone/online")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Most pressing first: the codes' alphabetical order would put "high" before "urgent".
PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


def priority_rank(case_path: str = "") -> Choose:
    """0 for an urgent case up to 3 for a low one, for sorting; `case_path` leads to the case
    (e.g. "process__case__" from a task)."""
    return Choose(
        *(
            When(**{f"{case_path}priority": priority}, then=Value(rank))
            for rank, priority in enumerate(PRIORITY_ORDER)
        ),
        default=Value(len(PRIORITY_ORDER)),
        output_field=IntegerField(),
    )


class PeriodMeasure(models.TextChoices):
    """What a case did within a period, as the periodic report counts it."""

    REGISTERED = "registered", _("Registered in the period")
    ACTIVE = "active", _("Open at some time in the period")
    CLOSED = "closed", _("Closed in the period")
    WITHDRAWN = "withdrawn", _("Withdrawn in the period")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Stage(models.TextChoices):
    """Where a case stands; open stages carry the name of the flow task that waits."""

    INTAKE = "intake", _("Registration")
    ASSIGN_COUNSELOR = "assign_counselor", _("Counselor assignment")
    ASSESSMENT = "assessment", _("Assessment and intervention plan")
    APPROVE_ASSESSMENT = "approve_assessment", _("Assessment approval")
    COUNSELING = "counseling", _("Counseling session")
    PROPOSE_REFERRAL = "propose_referral", _("Referral proposal")
    APPROVE_REFERRAL = "approve_referral", _("Referral approval")
    PARTNER_RESPONSE = "partner_response", _("Referral partner's response")
    PROPOSE_CLOSURE = "propose_closure", _("Closure proposal")
    APPROVE_CLOSURE = "approve_closure", _("Closure approval")
    PREPARE_HOME_VISIT = "prepare_home_visit", _("Home visit preparation")
    HOME_VISIT = "home_visit", _("Home visit report")
    PREPARE_ACCOMPANIMENT = "prepare_accompaniment", _("Accompaniment preparation")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment report")
    PROPOSE_PROTECTION = "propose_protection", _("Protection proposal")
    APPROVE_PROTECTION = "approve_protection", _("Protection approval")
    PROTECTION = "protection", _("Protection placement")
    CONSULTATION = "consultation", _("Consultation or information")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The stages at which a case waits on a head's decision; at the other open stages it waits on
# its counselor.
HEAD_STAGES = frozenset(
    {
        Stage.ASSIGN_COUNSELOR,
        Stage.APPROVE_ASSESSMENT,
        Stage.APPROVE_REFERRAL,
        Stage.APPROVE_CLOSURE,
        Stage.APPROVE_PROTECTION,
    }
)
OPEN_STAGES = tuple(
    stage for stage in Stage if stage not in (Stage.INTAKE, Stage.CLOSED, Stage.WITHDRAWN)
)


class Review(models.TextChoices):
    """A head's decision on something a counselor proposed."""

    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class SessionType(models.TextChoices):
    INDIVIDUAL = "individual", pgettext_lazy("session type", "Individual")
    COUPLE = "couple", _("Couple")
    FAMILY = "family", _("Family")
    GROUP = "group", _("Group")


class NextStep(models.TextChoices):
    """What the counselor chooses after a session or any other service given in a case."""

    ANOTHER_SESSION = "another_session", _("Another counseling session")
    HOME_VISIT = "home_visit", _("A home visit")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment to an institution")
    PROTECTION = "protection", _("Propose protection (a safe placement)")
    CONSULTATION = "consultation", _("Consultation or information")
    PROPOSE_REFERRAL = "propose_referral", _("Propose a referral")
    PROPOSE_CLOSURE = "propose_closure", _("Propose closure")


# The service of the case plan each next step gives; closure serves no service and is always
# offered.
SERVICE_OF_NEXT_STEP = {
    NextStep.ANOTHER_SESSION: {Service.COUNSELING},
    NextStep.HOME_VISIT: {Service.OUTREACH},
    NextStep.ACCOMPANIMENT: {Service.ACCOMPANIMENT},
    NextStep.PROTECTION: {Service.PROTECTION},
    NextStep.CONSULTATION: {Service.CONSULTATION, Service.INFORMATION},
    NextStep.PROPOSE_REFERRAL: {Service.REFERRAL},
}


def next_steps_for(planned_services: set[str] | None) -> list[str]:
    """The next steps a case plan of `planned_services` offers, in the list's order: those that
    give one of its services, and closure. A case without a plan (`None`) is offered all."""
    if planned_services is None:
        return list(NextStep.values)
    return [
        step
        for step in NextStep.values
        if step == NextStep.PROPOSE_CLOSURE or SERVICE_OF_NEXT_STEP[step] & planned_services
    ]


class InstitutionKind(models.TextChoices):
    """Where a counselor accompanies a client (pendampingan)."""

    POLICE = "police", _("Police")
    COURT = "court", _("District court")
    RELIGIOUS_COURT = "religious_court", _("Religious court")
    HOSPITAL = "hospital", _("Hospital or health centre")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other institution")


class Placement(models.TextChoices):
    """Where a client is kept safe (perlindungan)."""

    SAFE_HOUSE = "safe_house", _("Safe house (rumah aman)")
    RELATIVES = "relatives", _("With relatives")
    INSTITUTION = "institution", _("Social welfare institution")


class ConsultationKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    INFORMATION = "information", _("Information")


class ContactChannel(models.TextChoices):
    """How a conversation with the client took place."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    MESSAGE = "message", _("Message")
    LETTER = "letter", _("Letter")


class PartnerCategory(models.TextChoices):
    """The institution's own list of its network (jaringan kerja)."""

    CUSTOMARY = "customary", _("Customary/Kinship Institution")
    LEGAL_AID = "legal_aid", _("Legal Aid Institution")
    SOCIAL_WELFARE = "social_welfare", _("Social Welfare Service Institution")
    HEALTH = "health", _("Health Service Institution")
    NGO = "ngo", _("Social Organization/NGO (national/international)")
    BUSINESS = "business", _("Business")
    EDUCATION = "education", _("Educational Institution")
    MEDIA = "media", _("Mass Media")
    OTHER = "other", _("Other related institution")


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RETURNED = "returned", _("Returned")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted by the partner")
    DECLINED = "declined", _("Declined by the partner")
    COMPLETED = "completed", _("Completed by the partner")


class PartnerResponse(models.TextChoices):
    """The answers a partner can give to a referral that was sent."""

    ACCEPTED = ReferralStatus.ACCEPTED.value, ReferralStatus.ACCEPTED.label
    DECLINED = ReferralStatus.DECLINED.value, ReferralStatus.DECLINED.label
    COMPLETED = ReferralStatus.COMPLETED.value, ReferralStatus.COMPLETED.label


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Intervention goals achieved")
    REFERRED_OUT = "referred_out", _("Referred to another institution")
    CLIENT_WITHDREW = "client_withdrew", _("Client withdrew")
    UNREACHABLE = "unreachable", _("Client cannot be reached")
    MOVED_AWAY = "moved_away", _("Client moved away")
    OTHER = "other", _("Other")
