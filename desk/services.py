"""Writes of services without a case file and of outreach events, each audited in its
transaction.

A service's requester is not a registered client: there is no client key to encrypt their
words with, so the audit details keep the names of the fields filled in and the ids and codes
a report counts, never the requester's name, phone number or what was asked and answered.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import Action
from lk3_flow.models import Case
from regions.models import District, Village

from . import selectors
from .choices import FollowUp
from .models import DeskService, OutreachEvent

# What an outreach event's audit tells by value; the texts are told by name only.
OUTREACH_VALUE_FIELDS = ("kind", "held_on", "audience_kind", "men", "women", "kecamatan", "desa")
OUTREACH_TEXT_FIELDS = ("place", "audience_description", "topic", "materials", "notes")


def _filled(record: DeskService | OutreachEvent, names: Iterable[str]) -> list[str]:
    return sorted(name for name in names if getattr(record, name) not in ("", None, []))


@transaction.atomic
def record_desk_service(
    *,
    actor: AbstractBaseUser,
    service: str,
    occurred_at: datetime.datetime,
    channel: str,
    requester_kind: str,
    topic: str,
    answer: str,
    problem_categories: list[str] | None = None,
    requester_name: str = "",
    head_count: int | None = None,
    sex: str = "",
    age_group: str = "",
    phone: str = "",
    kecamatan: District | None = None,
    desa: Village | None = None,
) -> DeskService:
    """Record a consultation or an information request given without a case file."""
    if not selectors.may_record_desk_service(actor):
        raise PermissionDenied(
            _("Only intake officers, counselors and heads record consultations.")
        )
    desk_service = DeskService(
        service=service,
        occurred_at=occurred_at,
        channel=channel,
        requester_kind=requester_kind,
        requester_name=requester_name,
        head_count=head_count,
        sex=sex,
        age_group=age_group,
        phone=phone,
        kecamatan=kecamatan,
        desa=desa,
        problem_categories=list(problem_categories or []),
        topic=topic,
        answer=answer,
        handled_by=actor,
    )
    desk_service.full_clean()
    if occurred_at > timezone.now():
        raise ValidationError(
            {"occurred_at": _("A service cannot be recorded at a time still to come.")}
        )
    desk_service.save()
    audit.record(
        Action.DESK_SERVICE_RECORDED,
        actor=actor,
        obj=desk_service,
        details={
            "fields": _filled(desk_service, [f.name for f in DeskService._meta.concrete_fields]),
            "service": service,
            "channel": channel,
            "requester_kind": requester_kind,
            "problem_categories": desk_service.problem_categories,
            "kecamatan": desk_service.kecamatan_id,
            "desa": desk_service.desa_id,
        },
    )
    return desk_service


@transaction.atomic
def link_to_case(
    *, actor: AbstractBaseUser, desk_service_id: int | None, case: Case
) -> DeskService:
    """The service became this case: called in the registration's transaction.

    The row is locked first, so that two officers registering from the same service at once
    cannot both link it: the second waits, then finds it linked and its registration rolls back.
    """
    desk_service = DeskService.objects.select_for_update().filter(pk=desk_service_id).first()
    if (
        desk_service is None
        or not selectors.desk_services_visible_to(actor).filter(pk=desk_service.pk).exists()
    ):
        raise PermissionDenied
    if desk_service.case_id is not None:
        raise ValidationError(
            _("This consultation has already been made into a case; it was not registered again.")
        )
    if not selectors.may_convert_desk_service(actor, desk_service):
        raise PermissionDenied
    desk_service.case = case
    desk_service.follow_up = FollowUp.CASE
    desk_service.save(update_fields=["case", "follow_up"])
    audit.record(
        Action.DESK_SERVICE_CONVERTED,
        actor=actor,
        case=case,
        obj=desk_service,
        details={"desk_service": desk_service.pk, "case": case.pk},
    )
    return desk_service


def _outreach_values(event: OutreachEvent) -> dict[str, Any]:
    values = {name: getattr(event, name) for name in OUTREACH_TEXT_FIELDS}
    for name in OUTREACH_VALUE_FIELDS:
        field = OutreachEvent._meta.get_field(name)
        values[name] = getattr(event, field.attname)
    return values


def _clean_outreach(event: OutreachEvent) -> None:
    event.full_clean(exclude=["officers"])
    if event.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("An event is recorded once it has taken place.")})


@transaction.atomic
def record_outreach(
    *, actor: AbstractBaseUser, officers: Iterable[AbstractBaseUser], **fields: Any
) -> OutreachEvent:
    """Record an outreach event that took place, with the officers who went."""
    if not selectors.may_record_outreach(actor):
        raise PermissionDenied(_("Only counselors and heads record outreach events."))
    event = OutreachEvent(recorded_by=actor, **fields)
    _clean_outreach(event)
    event.save()
    event.officers.set(officers)
    values = _outreach_values(event)
    audit.record(
        Action.OUTREACH_EVENT_RECORDED,
        actor=actor,
        obj=event,
        details={
            **{name: values[name] for name in OUTREACH_VALUE_FIELDS},
            "fields": _filled(event, OUTREACH_TEXT_FIELDS),
            "officers": sorted(officer.pk for officer in officers),
        },
    )
    return event


@transaction.atomic
def change_outreach(
    *,
    actor: AbstractBaseUser,
    event: OutreachEvent,
    officers: Iterable[AbstractBaseUser],
    **fields: Any,
) -> OutreachEvent:
    """Correct an event; the audit tells which fields changed (and the counts' values)."""
    event = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    if not selectors.may_edit_outreach(actor, event):
        raise PermissionDenied(_("Only the one who recorded the event, or a head, changes it."))
    before = _outreach_values(event)
    officers_before = set(event.officers.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(event, name, value)
    _clean_outreach(event)
    after = _outreach_values(event)
    changes = audit.field_changes(before, after)
    officers_after = {officer.pk for officer in officers}
    if not changes and officers_after == officers_before:
        return event
    event.save()
    event.officers.set(officers)
    details: dict[str, Any] = {
        "changed": sorted(changes) + (["officers"] if officers_after != officers_before else []),
        **{name: change for name, change in changes.items() if name in OUTREACH_VALUE_FIELDS},
    }
    if officers_after != officers_before:
        details["officers"] = [sorted(officers_before), sorted(officers_after)]
    audit.record(Action.OUTREACH_EVENT_CHANGED, actor=actor, obj=event, details=details)
    return event
