"""Who may record and see services without a case file and outreach events, and the reads.

Each rule is one function, asked by every page, the conversion and the lists alike; anything
not named here is denied. The administrator, who holds none of these roles, sees none of it.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from lk3_flow.choices import ClientKind, IntakeChannel
from lk3_flow.fields import NARRATIVE_LENGTH
from permissions.roles import (
    AUDIT_CASE,
    AUDITOR,
    COUNSELOR,
    HEAD,
    INTAKE_OFFICER,
    MANAGE_CASE,
    REGISTER_CASE,
)
from permissions.selectors import role_codes_of

from .choices import Channel, RequesterKind
from .models import DeskService, OutreachEvent


def _active(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.is_active


def _writer(user: AbstractBaseUser) -> bool:
    """An auditor changes nothing, whatever other group they are also in."""
    return _active(user) and not user.has_perm(AUDIT_CASE)


# Services without a case file.


def may_record_desk_service(user: AbstractBaseUser) -> bool:
    """Intake officers, counselors and heads answer the phone and the door."""
    if not _writer(user):
        return False
    return user.has_perm(MANAGE_CASE) or bool(
        role_codes_of(user) & {INTAKE_OFFICER.code, COUNSELOR.code}
    )


def may_list_desk_services(user: AbstractBaseUser) -> bool:
    """Whether the list is the user's page at all (what it shows is `desk_services_visible_to`)."""
    return _active(user) and (
        user.has_perm(MANAGE_CASE) or user.has_perm(AUDIT_CASE) or may_record_desk_service(user)
    )


def desk_services_visible_to(user: AbstractBaseUser) -> QuerySet:
    """Heads and auditors see every one; intake officers and counselors the ones they handled.

    What a person told the office on the phone is theirs and the officer's: a colleague has no
    reason to read it unless it became a case, which has its own access rules.
    """
    services = DeskService.objects.all()
    if not _active(user):
        return services.none()
    if user.has_perm(MANAGE_CASE) or user.has_perm(AUDIT_CASE):
        return services
    if may_record_desk_service(user):
        return services.filter(handled_by=user)
    return services.none()


def may_convert_desk_service(user: AbstractBaseUser, desk_service: DeskService) -> bool:
    """Whoever may register cases, and may see this service, makes it into a case, once."""
    return (
        desk_service.case_id is None
        and _writer(user)
        and user.has_perm(REGISTER_CASE)
        and desk_services_visible_to(user).filter(pk=desk_service.pk).exists()
    )


def desk_service_list(user: AbstractBaseUser) -> QuerySet:
    """The user's visible services, newest first, with what a row shows, in one query."""
    return (
        desk_services_visible_to(user)
        .select_related("handled_by", "kecamatan", "desa", "case")
        .order_by("-occurred_at", "-id")
    )


# How the registration names the way a service came in; a letter is the officer's to classify
# (a referral from an institution, or someone's own request).
INTAKE_CHANNELS = {
    Channel.PHONE: IntakeChannel.PHONE_ONLINE,
    Channel.MESSAGE: IntakeChannel.PHONE_ONLINE,
    Channel.WALK_IN: IntakeChannel.WALK_IN,
}
CLIENT_KINDS = {
    RequesterKind.INDIVIDUAL: ClientKind.INDIVIDUAL,
    RequesterKind.GROUP: ClientKind.GROUP,
    RequesterKind.INSTITUTION: ClientKind.INSTITUTION,
    RequesterKind.ORGANISATION: ClientKind.INSTITUTION,
}


@dataclass(frozen=True)
class IntakeStart:
    """What the registration page starts from: a service's data, or nothing."""

    client: dict[str, Any] = field(default_factory=dict)
    case: dict[str, Any] = field(default_factory=dict)


def intake_start(desk_service: DeskService) -> IntakeStart:
    """The registration's first values, from what the service recorded about the requester."""
    complaint = "\n\n".join(text for text in (desk_service.topic, desk_service.answer) if text)
    return IntakeStart(
        client={
            "kind": CLIENT_KINDS.get(desk_service.requester_kind, ""),
            "full_name": desk_service.requester_name,
            "sex": desk_service.sex,
            "phone": desk_service.phone,
            "kecamatan": desk_service.kecamatan_id,
            "desa": desk_service.desa_id,
        },
        case={
            "channel": INTAKE_CHANNELS.get(desk_service.channel, ""),
            "problem_categories": list(desk_service.problem_categories),
            "services": [desk_service.service],
            "complaint": complaint[:NARRATIVE_LENGTH],
        },
    )


# The query parameter that carries a service's id to the registration page: an id, never a name.
CONVERT_PARAMETER = "dari_layanan"


def desk_service_id_from(value: Any) -> int | None:
    """The id a registration page was given, or None when it names nothing sane."""
    text = str(value or "")
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def convertible_desk_service(user: AbstractBaseUser, desk_service_id: int) -> DeskService | None:
    """The service, when this user may make it into a case now; otherwise None."""
    desk_service = DeskService.objects.filter(pk=desk_service_id).first()
    if desk_service is None or not may_convert_desk_service(user, desk_service):
        return None
    return desk_service


def may_use_direct_services(user: AbstractBaseUser) -> bool:
    """Whether the menu offers the direct services at all."""
    return may_list_desk_services(user) or may_see_outreach(user)


# Outreach events: no client's data, so every staff role reads them.

OUTREACH_READERS = {INTAKE_OFFICER.code, COUNSELOR.code, HEAD.code, AUDITOR.code}


def may_see_outreach(user: AbstractBaseUser) -> bool:
    return _active(user) and (
        user.has_perm(MANAGE_CASE)
        or user.has_perm(AUDIT_CASE)
        or bool(role_codes_of(user) & OUTREACH_READERS)
    )


def may_record_outreach(user: AbstractBaseUser) -> bool:
    """Counselors and heads go out; intake officers stay at the desk, auditors only read."""
    if not _writer(user):
        return False
    return user.has_perm(MANAGE_CASE) or COUNSELOR.code in role_codes_of(user)


def may_edit_outreach(user: AbstractBaseUser, event: OutreachEvent) -> bool:
    """The one who recorded it, or a head."""
    if not may_record_outreach(user):
        return False
    return user.has_perm(MANAGE_CASE) or event.recorded_by_id == user.pk


def outreach_visible_to(user: AbstractBaseUser) -> QuerySet:
    events = OutreachEvent.objects.all()
    return events if may_see_outreach(user) else events.none()


def outreach_list(user: AbstractBaseUser) -> QuerySet:
    """Newest first, with the place and the officers, in a fixed number of queries."""
    return (
        outreach_visible_to(user)
        .select_related("kecamatan", "desa", "recorded_by")
        .prefetch_related("officers")
        .order_by("-held_on", "-id")
    )


def intake_start_for(user: AbstractBaseUser, value: Any) -> IntakeStart | None:
    """The registration page's first values from the service its query names (`value`).

    Nothing named: an empty start. A value that names no service this user may make into a
    case now (someone else's, already a case, not an id): None, and the page refuses.
    """
    if value is None:
        return IntakeStart()
    desk_service_id = desk_service_id_from(value)
    desk_service = (
        None if desk_service_id is None else convertible_desk_service(user, desk_service_id)
    )
    return None if desk_service is None else intake_start(desk_service)
