"""Vocabularies of the services given without a case file and of outreach events.

They are counted in the office's reports to the Dinas Sosial, so each is a closed list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The age groups are the case domain's, so that desk records and clients are reported alike.
from lk3_flow.choices import AgeGroup as AgeGroup
from lk3_flow.choices import Service


class DeskServiceKind(models.TextChoices):
    """The two of the seven services (`lk3_flow.choices.Service`) often given in one talk."""

    CONSULTATION = Service.CONSULTATION.value, Service.CONSULTATION.label
    INFORMATION = Service.INFORMATION.value, Service.INFORMATION.label


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Came to the office")
    LETTER = "letter", _("Letter")
    MESSAGE = "message", _("Message/online")


class RequesterKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")
    INSTITUTION = "institution", _("Institution/agency")
    ORGANISATION = "organisation", _("Organisation or company")


# Who is counted as a number of people rather than as one person.
COUNTED_REQUESTERS = (RequesterKind.GROUP, RequesterKind.ORGANISATION)


class FollowUp(models.TextChoices):
    NONE = "none", _("None")
    CASE = "case", _("Became a case")


class OutreachKind(models.TextChoices):
    AWARENESS = "awareness", _("Awareness talk (penyuluhan)")
    SOCIALISATION = "socialisation", _("Socialisation")
    FIELD_VISIT = "field_visit", _("Field visit or other")


class AudienceKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    SCHOOL = "school", _("School")
    AGENCY = "agency", _("Government agency")
    COMPANY = "company", _("Company or organisation")
    RELIGIOUS = "religious", _("Religious group")
    OTHER = "other", _("Other")
