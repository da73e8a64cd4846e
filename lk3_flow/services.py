"""Writes of the case domain.

Each function is one step a person takes on a case. They know nothing about the workflow engine:
the process in `flows` decides when a step may happen and calls these functions to record it, so
the same code runs behind the pages, the demo data and the tests.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import dateformat, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from audit import personal
from audit import services as audit
from audit.models import Action
from notifications import services as notifications
from permissions.selectors import (
    client_masked_anywhere,
    client_name_masked,
    counselors,
    may_edit_client,
    may_merge_clients,
)
from permissions.services import grant_case_file, revoke_case_file

from . import deadlines, personal_data, selectors
from .choices import CaseStatus, PartnerResponse, ReferralStatus, Review, Sex, Stage
from .models import (
    Accompaniment,
    Assessment,
    Case,
    Client,
    Closure,
    Consultation,
    CounselingSession,
    CounselorChange,
    HomeVisit,
    HouseholdMember,
    Partner,
    Protection,
    Referral,
    Sequence,
)

CASE_NUMBER_PREFIX = "LK3-LBK"


def jakarta_today() -> datetime.date:
    """Today in the institution's time zone, which decides a case's year and a letter's date."""
    return timezone.localdate()


def next_sequence_value(key: str) -> int:
    """Draw the next number of a gap-free sequence.

    The UPDATE row-locks the counter until the surrounding transaction ends, so concurrent
    callers queue up instead of reading the same value; a rolled-back caller consumes nothing.
    """
    with transaction.atomic():
        Sequence.objects.get_or_create(key=key)
        Sequence.objects.filter(key=key).update(value=F("value") + 1)
        return Sequence.objects.values_list("value", flat=True).get(key=key)


def next_case_number(on: datetime.date | None = None) -> str:
    year = (on or jakarta_today()).year
    return f"{CASE_NUMBER_PREFIX}/{year}/{next_sequence_value(f'case/{year}'):04d}"


@dataclass
class Registration:
    """Everything the intake officer records at first contact."""

    client_data: dict[str, Any]
    case_data: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    existing_client: Client | None = None


@transaction.atomic
def register_case(*, actor: AbstractBaseUser, registration: Registration) -> Case:
    case_data = registration.case_data
    if not case_data.get("consent_given"):
        raise ValidationError(
            _("A case can only be registered after the client has given consent.")
        )
    client = registration.existing_client
    if client is None:
        nik = registration.client_data.get("nik")
        if nik and selectors.registered_niks([nik]):
            raise ValidationError(
                _("A client with this NIK is already registered: register the case for them.")
            )
        client = Client(registered_by=actor, **registration.client_data)
        client.full_clean()
        client.save()
        for data in registration.members:
            member = HouseholdMember(client=client, **data)
            member.full_clean()
            member.save()
        _check_household_niks(client)
        created = {name: [None, value] for name, value in registration.client_data.items()}
        if registration.members:
            created[personal_data.HOUSEHOLD_FIELD] = [None, _household_lines(client)]
        details = personal.protect_changes(
            personal_data.subject(client.pk), created, HOUSEHOLD_PERSONAL_FIELDS
        )
        audit.record(Action.CLIENT_CREATED, obj=client, details=details)
    elif registration.members:
        raise ValidationError(
            _("A registered client's household is corrected on their case, not at intake.")
        )
    case = Case(
        client=client,
        number=next_case_number(),
        registered_by=actor,
        consent_date=case_data.get("consent_date") or jakarta_today(),
        **{key: value for key, value in case_data.items() if key != "consent_date"},
    )
    case.full_clean(exclude=["process"])
    case.save()
    created = {name: [None, value] for name, value in case_data.items()}
    created["number"] = [None, case.number]
    details = personal.protect_changes(
        personal_data.subject(client.pk), created, personal_data.CASE_FIELDS
    )
    audit.record(Action.CASE_CREATED, case=case, obj=case, details=details)
    return case


@dataclass(frozen=True)
class DuplicateCheck:
    """Registered clients who may be the person at the desk, as far as the officer may know."""

    named: list[Client]  # shown with name, date of birth and district
    confidential: bool  # a match whose client is masked to the officer: only its existence is told
    # A client has the NIK given: the person is registered, whatever the other data say.
    same_nik: bool = False

    @property
    def found(self) -> bool:
        return bool(self.named) or self.confidential


def nik_fingerprint(nik: str) -> str:
    """A keyed digest of a NIK: repeated look-ups of one NIK can be told apart in the log without
    the NIK, which is guessable from a birth date and a district, being stored or recoverable."""
    return salted_hmac("lk3_flow.duplicate_check.nik", nik).hexdigest()[:16]


@transaction.atomic
def check_duplicate_clients(
    *, actor: AbstractBaseUser, nik: str, full_name: str, birth_date: datetime.date | None
) -> DuplicateCheck:
    """Look for the client among those registered, and record that the officer looked.

    A match in a case whose client the officer may not know by name (a sensitive case not
    theirs) is reported only as existing: naming it would tell an intake officer who is behind
    a confidential file. Every look-up is audited with what was compared and whom it found.
    """
    cases = Prefetch("cases", queryset=Case.objects.only("pk", "client", "sensitive", "counselor"))
    matches = list(
        selectors.possible_duplicate_clients(
            nik=nik, full_name=full_name, birth_date=birth_date
        ).prefetch_related(cases)
    )
    masked = {
        client.pk
        for client in matches
        if any(client_name_masked(actor, case) for case in client.cases.all())
    }
    checked = (["nik"] if nik else []) + (
        ["full_name", "birth_date"] if birth_date and full_name.strip() else []
    )
    details: dict[str, Any] = {
        "checked": checked,
        "matches": len(matches),
        "confidential_matches": len(masked),
        "client_ids": [client.pk for client in matches],
    }
    if nik:
        details["nik_fingerprint"] = nik_fingerprint(nik)
    audit.record(Action.DUPLICATE_CHECKED, actor=actor, details=details)
    return DuplicateCheck(
        named=[client for client in matches if client.pk not in masked],
        confidential=bool(masked),
        same_nik=bool(nik) and any(client.nik == nik for client in matches),
    )


def _case_state(case: Case) -> dict[str, Any]:
    """The case fields a change is recorded for, as people read them."""
    return {
        "counselor": str(case.counselor.get_full_name() or case.counselor)
        if case.counselor
        else None,
        "stage": case.stage,
        "status": case.status,
        "withdrawal_reason": case.withdrawal_reason,
    }


def _save_case(case: Case, before: dict[str, Any], fields: list[str], **extra: Any) -> None:
    """Save the changed fields and record them, before and after, in the audit log."""
    case.save(update_fields=[*fields, "updated_at"])
    changes = audit.field_changes(before, _case_state(case))
    if changes:
        details = personal.protect_changes(
            personal_data.subject(case.client_id), changes, personal_data.CASE_FIELDS
        )
        audit.record(Action.CASE_CHANGED, case=case, obj=case, details={**details, **extra})


def link_process(case: Case, process: Any) -> None:
    case.process = process
    case.save(update_fields=["process", "updated_at"])


def enter_stage(case: Case, stage: str, *, expected_at: datetime.datetime | None = None) -> None:
    """The case waits at a new step (or another round of the same one), due by its deadline;
    `expected_at`, the day the step's record sets ahead for it, sets the deadline to that day."""
    before = _case_state(case)
    case.stage = stage
    case.due_at = deadlines.due_at(stage, case.priority, timezone.now(), expected_at)
    case.overdue_reported_at = None
    _save_case(case, before, ["stage", "due_at", "overdue_reported_at"])


def _require_counselor(user: AbstractBaseUser) -> None:
    if not counselors().filter(pk=user.pk).exists():
        raise ValidationError(_("Only an active counselor can be given a case."))


def assign_counselor(*, case: Case, counselor: AbstractBaseUser, actor: AbstractBaseUser) -> None:
    """Give the case to its counselor, who from now on may open the whole case file."""
    _require_counselor(counselor)
    before = _case_state(case)
    case.counselor = counselor
    _save_case(case, before, ["counselor"])
    grant_case_file(case, counselor)
    notifications.case_assigned(case=case, counselor=counselor)


def change_counselor(
    *, case: Case, counselor: AbstractBaseUser, actor: AbstractBaseUser, reason: str
) -> CounselorChange:
    """Move the case file to another counselor; the previous one loses access to it."""
    if case.status != CaseStatus.OPEN or case.counselor_id is None:
        raise ValidationError(_("Only an open case that has a counselor can be reassigned."))
    if case.counselor_id == counselor.pk:
        raise ValidationError(_("The case is already assigned to this counselor."))
    if not reason.strip():
        raise ValidationError(_("A reason for the reassignment is required."))
    _require_counselor(counselor)
    change = CounselorChange.objects.create(
        case=case, previous=case.counselor, new=counselor, changed_by=actor, reason=reason
    )
    revoke_case_file(case, change.previous)
    before = _case_state(case)
    case.counselor = counselor
    _save_case(case, before, ["counselor"], reason=reason)
    grant_case_file(case, counselor)
    notifications.case_assigned(case=case, counselor=counselor)
    return change


def record_assessment(*, case: Case, author: AbstractBaseUser, data: dict[str, Any]) -> Assessment:
    return Assessment.objects.create(case=case, author=author, **data)


def _pending(queryset: Any, what: str) -> Any:
    """The one proposal on a case that waits for the head's decision."""
    item = queryset.filter(**{what: Review.PENDING}).order_by("-id").first()
    if item is None:
        raise ValidationError(_("There is no proposal awaiting a decision."))
    return item


def _require_return_reason(approved: bool, comment: str) -> None:
    if not approved and not comment.strip():
        raise ValidationError(
            _("Write the reason for returning it so that the counselor can correct it.")
        )


def _record_return(item: Any, approved: bool, comment: str) -> None:
    if not approved:
        audit.record(
            Action.TASK_RETURNED,
            case=item.case,
            obj=item,
            details={"comment": comment},
            names_action=True,
        )


def _review(item: Any, *, reviewer: AbstractBaseUser, approved: bool, comment: str) -> None:
    _require_return_reason(approved, comment)
    _record_return(item, approved, comment)
    item.review = Review.APPROVED if approved else Review.RETURNED
    item.review_comment = comment
    item.reviewed_by = reviewer
    item.reviewed_at = timezone.now()
    item.save()


def review_assessment(
    *, case: Case, reviewer: AbstractBaseUser, approved: bool, comment: str = ""
) -> Assessment:
    assessment = _pending(case.assessments, "review")
    _review(assessment, reviewer=reviewer, approved=approved, comment=comment)
    return assessment


def record_session(
    *, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]
) -> CounselingSession:
    """Record a session as it happened.

    A session is recorded after the fact, so it cannot have been held in the future, nor before
    the case's previous session: the record is evidence of the order in which the office
    worked with the client, and letters and reports read it in that order.
    """
    session = CounselingSession(case=case, counselor=counselor, **data)
    session.full_clean()
    _check_person_concerned(case, session.person_concerned)
    _check_session_time(case, session)
    session.save()
    return session


def _check_person_concerned(case: Case, person: HouseholdMember | None) -> None:
    """A session or referral can be about the client or one of the client's own household,
    never a member of another client's, whatever id a form was sent."""
    if person is not None and person.client_id != case.client_id:
        raise ValidationError(
            {
                "person_concerned": _(
                    "Choose the client or a member of the client's household as the person "
                    "concerned."
                )
            }
        )


def _check_session_time(case: Case, session: CounselingSession) -> None:
    if session.held_at is not None and session.held_at > timezone.now():
        raise ValidationError(
            {"held_at": _("A session cannot be recorded as held at a time still to come.")}
        )
    previous = selectors.last_session_time(case)
    when = session.held_at or session.scheduled_at
    # Times are typed to the minute: a session typed for the minute of the previous one is not
    # before it, whatever seconds the previous one was recorded with.
    if previous is not None and when < previous.replace(second=0, microsecond=0):
        field_name = "held_at" if session.held_at is not None else "scheduled_at"
        raise ValidationError(
            {
                field_name: _(
                    "This session cannot come before the case's previous session, of %(when)s."
                )
                % {"when": dateformat.format(timezone.localtime(previous), "j F Y H:i")}
            }
        )


def propose_referral(
    *,
    case: Case,
    counselor: AbstractBaseUser,
    partner: Partner,
    reason: str,
    services_requested: list[str],
    person_concerned: HouseholdMember | None = None,
) -> Referral:
    """Propose to refer the client, or the member of their household the referral is about."""
    if not partner.active:
        raise ValidationError(_("This partner is no longer active and cannot receive referrals."))
    _check_person_concerned(case, person_concerned)
    return Referral.objects.create(
        case=case,
        partner=partner,
        proposed_by=counselor,
        reason=reason,
        services_requested=services_requested,
        person_concerned=person_concerned,
    )


def review_referral(
    *, case: Case, reviewer: AbstractBaseUser, approved: bool, comment: str = ""
) -> Referral:
    referral = case.referrals.filter(status=ReferralStatus.PROPOSED).order_by("-id").first()
    if referral is None:
        raise ValidationError(_("There is no proposal awaiting a decision."))
    _require_return_reason(approved, comment)
    _record_return(referral, approved, comment)
    referral.status = ReferralStatus.SENT if approved else ReferralStatus.RETURNED
    referral.review_comment = comment
    referral.reviewed_by = reviewer
    referral.reviewed_at = timezone.now()
    if approved:
        referral.sent_at = timezone.now()
    referral.save()
    return referral


def record_partner_response(
    *, case: Case, counselor: AbstractBaseUser, response: str, feedback: str
) -> Referral:
    if response not in PartnerResponse.values:
        raise ValidationError(_("Unknown partner response."))
    referral = case.referrals.filter(status=ReferralStatus.SENT).order_by("-id").first()
    if referral is None:
        raise ValidationError(_("There is no sent referral awaiting the partner's response."))
    referral.status = response
    referral.partner_response = feedback
    referral.responded_at = timezone.now()
    referral.save()
    return referral


def propose_closure(*, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]) -> Closure:
    closure = Closure(case=case, proposed_by=counselor, **data)
    closure.full_clean()
    closure.save()
    return closure


def review_closure(
    *, case: Case, reviewer: AbstractBaseUser, approved: bool, comment: str = ""
) -> Closure:
    closure = _pending(case.closures, "review")
    _review(closure, reviewer=reviewer, approved=approved, comment=comment)
    return closure


def _not_in_future(day: datetime.date | None, field_name: str) -> None:
    """A report is written after the fact: what it records cannot have happened after today."""
    if day is not None and day > jakarta_today():
        raise ValidationError(
            {field_name: _("This date is still to come; report it once it has passed.")}
        )


def _prepared(case: Case, kind: str) -> Any:
    """The case's activity of `kind` that was prepared and waits for its report."""
    activity = selectors.awaiting_report(case, kind)
    if activity is None:
        raise ValidationError(_("There is no prepared activity awaiting its report."))
    return activity


def _create_activity(
    model: type, *, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]
) -> Any:
    activity = model(case=case, counselor=counselor, **data)
    activity.full_clean()
    _check_person_concerned(case, activity.person_concerned)
    activity.save()
    return activity


def _report_activity(activity: Any, data: dict[str, Any], date_field: str) -> Any:
    for name, value in data.items():
        setattr(activity, name, value)
    activity.full_clean()
    _not_in_future(getattr(activity, date_field), date_field)
    activity.save()
    return activity


def prepare_home_visit(
    *, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]
) -> HomeVisit:
    """Plan a home visit: its letter of assignment names the place and the date."""
    return _create_activity(HomeVisit, case=case, counselor=counselor, data=data)


def report_home_visit(
    *, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]
) -> HomeVisit:
    return _report_activity(_prepared(case, "home_visit"), data, "visited_on")


def prepare_accompaniment(
    *, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]
) -> Accompaniment:
    """Plan an accompaniment: its letter of assignment names the institution and the date."""
    return _create_activity(Accompaniment, case=case, counselor=counselor, data=data)


def report_accompaniment(
    *, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]
) -> Accompaniment:
    return _report_activity(_prepared(case, "accompaniment"), data, "accompanied_on")


def propose_protection(
    *, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]
) -> Protection:
    """Propose a safe placement; it starts only once the head has approved it."""
    protection = Protection(case=case, counselor=counselor, **data)
    if (
        protection.starts_on
        and protection.planned_end_on
        and protection.planned_end_on < protection.starts_on
    ):
        raise ValidationError({"planned_end_on": _("The placement cannot end before it starts.")})
    protection.full_clean()
    _check_person_concerned(case, protection.person_concerned)
    protection.save()
    return protection


def review_protection(
    *, case: Case, reviewer: AbstractBaseUser, approved: bool, comment: str = ""
) -> Protection:
    protection = _pending(case.protections, "review")
    _review(protection, reviewer=reviewer, approved=approved, comment=comment)
    return protection


def end_protection(*, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]) -> Protection:
    """Record how and when an approved placement ended."""
    protection = (
        case.protections.filter(review=Review.APPROVED, next_step="").order_by("-id").first()
    )
    if protection is None:
        raise ValidationError(_("There is no approved placement awaiting its end."))
    ended_on = data.get("ended_on")
    if ended_on is not None and ended_on < protection.starts_on:
        raise ValidationError({"ended_on": _("The placement cannot end before it started.")})
    return _report_activity(protection, data, "ended_on")


def record_consultation(
    *, case: Case, counselor: AbstractBaseUser, data: dict[str, Any]
) -> Consultation:
    """A consultation or an information given within the case, recorded after the fact."""
    held_at = data.get("held_at")
    if held_at is not None and held_at > timezone.now():
        raise ValidationError(
            {"held_at": _("This time is still to come; record it once it has passed.")}
        )
    return _create_activity(Consultation, case=case, counselor=counselor, data=data)


def close_case(case: Case) -> None:
    before = _case_state(case)
    case.status = CaseStatus.CLOSED
    case.stage = Stage.CLOSED
    case.due_at = None
    _save_case(case, before, ["status", "stage", "due_at"])


def mark_withdrawn(case: Case, reason: str) -> None:
    if not reason.strip():
        raise ValidationError(_("A reason for withdrawing the case is required."))
    before = _case_state(case)
    case.status = CaseStatus.WITHDRAWN
    case.stage = Stage.WITHDRAWN
    case.withdrawal_reason = reason
    case.due_at = None
    _save_case(case, before, ["status", "stage", "withdrawal_reason", "due_at"])


def reopening_of(case: Case, *, reason: str) -> Registration:
    """A registration for a new case that continues a closed one for the same client."""
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    if not reason.strip():
        raise ValidationError(_("A reason for reopening the case is required."))
    if personal.is_erased(personal_data.subject(case.client_id)):
        raise ValidationError(
            _("This client's personal data were erased: register them as a new client.")
        )
    return Registration(
        client_data={},
        existing_client=case.client,
        case_data={
            "problem_categories": case.problem_categories,
            "services": case.services,
            "channel": case.channel,
            "priority": case.priority,
            "sensitive": case.sensitive,
            "complaint": reason,
            "consent_given": case.consent_given,
            "consent_share_with_partners": case.consent_share_with_partners,
            "reopened_from": case,
        },
    )


@transaction.atomic
def erase_client_personal_data(client: Client, *, actor: AbstractBaseUser, reason: str) -> None:
    """Erase a client on their request (UU PDP 27/2022, art. 8): identity gone, service kept.

    The client's key is destroyed, so every personal value the audit log encrypted for them is
    unreadable from now on. In the case rows the identity (name, NIK, birth date, address,
    village, phone, e-mail, family card number), the household members and the narratives of first
    contact and withdrawal go, and what other apps declared (`personal_data.declare_erasure`:
    the attachments' files, names and descriptions; what notes and contacts say, and with
    whom). What the office must keep as its service record stays: the client's kind, sex and
    district for the statistics it reports, the case numbers, problem categories and services,
    the assessments, sessions, referrals and closures (with the relationship and sex of the
    member one was about), the dates and kinds of contacts, and the letters already issued,
    which are official records and never change.
    """
    if not personal_data.may_erase(actor):
        raise PermissionDenied(_("Only the head or the administrator may erase personal data."))
    if not reason.strip():
        raise ValidationError(_("A reason for the erasure is required."))
    client = Client.objects.select_for_update().get(pk=client.pk)
    if personal.is_erased(personal_data.subject(client.pk)):
        raise ValidationError(_("The personal data of this client were already erased."))
    if client.merged_into_id:
        raise ValidationError(
            _("This record was merged into client %(number)s: erase that client.")
            % {"number": client.merged_into}
        )
    if client.cases.filter(status=CaseStatus.OPEN).exists():
        raise ValidationError(
            _("This client still has an open case: close or withdraw it before the erasure.")
        )
    client.full_name = str(client)  # the client's number, which every record still uses
    client.nik = client.family_card_number = client.address = client.phone = client.email = ""
    client.desa = client.birth_date = None
    client.save(
        update_fields=[
            "full_name",
            "nik",
            "family_card_number",
            "address",
            "desa",
            "phone",
            "email",
            "birth_date",
        ]
    )
    _erase_household(client)
    case_ids = list(client.cases.order_by("pk").values_list("pk", flat=True))
    client.cases.update(complaint="", withdrawal_reason="")
    personal_data.erase_declared(case_ids)
    # One event, on the client's latest case so that the auditor reading it meets the erasure;
    # it names every case it touched. The records merged into this one were the same person's,
    # under keys of their own, which go with it.
    personal.erase(
        personal_data.subject(client.pk),
        actor=actor,
        reason=reason,
        obj=client,
        case_id=case_ids[-1] if case_ids else None,
        details={"case_ids": case_ids},
        same_person=[
            subject
            for pk in client.merged_clients.order_by("pk").values_list("pk", flat=True)
            if not personal.is_erased(subject := personal_data.subject(pk))
        ],
    )


@transaction.atomic
def merge_clients(
    *, actor: AbstractBaseUser, kept: Client, merged: Client, reason: str
) -> selectors.MergePlan:
    """Join two records of one person: `merged`'s cases and household move to `kept`.

    The kept record's empty fields take the merged one's values; nothing of the kept record is
    overwritten. The merged row stays, emptied, as a pointer to the kept one for the records and
    the audit log that cite its number. One event lists every record moved, the merged
    record's identity encrypted with the kept client's key, and the merged client's key is
    erased with the kept client's (`erase_client_personal_data`).
    """
    if not may_merge_clients(actor):
        raise PermissionDenied(_("Only a head may merge clients."))
    if not reason.strip():
        raise ValidationError(_("A reason for the merge is required."))
    first, second = sorted((kept.pk, merged.pk))
    locked = Client.objects.select_for_update().in_bulk([first, second])
    kept, merged = locked.get(kept.pk), locked.get(merged.pk)
    if kept is None or merged is None or kept.pk == merged.pk:
        raise ValidationError(_("Choose another client than this one."))
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these clients was already merged into another."))
    if any(personal.is_erased(personal_data.subject(c.pk)) for c in (kept, merged)):
        raise ValidationError(_("The personal data of one of these clients were erased."))
    if any(client_masked_anywhere(actor, c.pk) for c in (kept, merged)):
        raise ValidationError(
            _("A case of one of these clients is confidential to you: its counselor must check it.")
        )
    plan = selectors.merge_plan(kept=kept, merged=merged)
    identity_before = _identity_line(merged)
    members = _household_lines(merged)
    for name, value in plan.filled.items():
        setattr(kept, name, value)
    # The NIK is one person's: the merged record lets go of it before the kept one takes it.
    merged.merged_into = kept
    merged.full_name = str(merged)
    merged.nik = merged.family_card_number = merged.address = merged.phone = merged.email = ""
    merged.desa = merged.kecamatan = merged.birth_date = None
    merged.save()
    kept.full_clean()
    kept.save()
    merged.cases.update(client=kept, updated_at=timezone.now())
    merged.members.update(client=kept)
    subject = personal_data.subject(kept.pk)
    details = personal.protect_changes(
        subject,
        {
            "merged_identity": [identity_before, None],
            "household": [None, members],
            "reason": [None, reason],
            **{name: [None, value] for name, value in plan.filled.items()},
        },
        {"merged_identity", "household", "reason", *personal_data.CLIENT_FIELDS},
    )
    details.update(
        merged_client=str(merged),
        cases_moved=", ".join(case.number for case in plan.cases),
        case_ids=[case.pk for case in plan.cases],
        members_moved=len(plan.members),
    )
    latest = kept.cases.order_by("-created_at", "-pk").first()
    audit.record(Action.CLIENTS_MERGED, obj=kept, case=latest, details=details, actor=actor)
    return plan


# Every record that can be about one member of the client's household (`person_concerned`).
ABOUT_A_MEMBER = (CounselingSession, Referral, HomeVisit, Accompaniment, Protection, Consultation)


def _concerned_member_ids(client: Client) -> set[int]:
    """The household members a record of the client's cases is about (`ABOUT_A_MEMBER`)."""
    ids: set[int] = set()
    for model in ABOUT_A_MEMBER:
        ids.update(
            model.objects.filter(case__client=client, person_concerned__isnull=False).values_list(
                "person_concerned_id", flat=True
            )
        )
    return ids


def _erase_household(client: Client) -> None:
    """Delete the household, except the members a session or referral is about: those keep
    their relationship and sex, and a number in place of their name, NIK and birth date."""
    concerned = _concerned_member_ids(client)
    client.members.exclude(pk__in=concerned).delete()
    for member in client.members.filter(pk__in=concerned):
        member.full_name = str(member)
        member.nik = member.relationship_note = ""
        member.birth_date = None
        member.save(update_fields=["full_name", "nik", "relationship_note", "birth_date"])


@dataclass(frozen=True)
class MemberEdit:
    """A household member as the edit form left it: a new one has no `member`."""

    member: HouseholdMember | None
    data: dict[str, Any]
    delete: bool = False


# The client's fields a correction may change: all that registration records.
EDITABLE_CLIENT_FIELDS = ("kind", *sorted(personal_data.CLIENT_FIELDS))
MEMBER_FIELDS = ("full_name", "nik", "relationship", "relationship_note", "sex", "birth_date")
# The values of a client's events that are personal data: the client's, and the household's.
HOUSEHOLD_PERSONAL_FIELDS = frozenset({*personal_data.CLIENT_FIELDS, personal_data.HOUSEHOLD_FIELD})


def client_version(client: Client) -> str:
    """What an edit form carries to tell whether the client changed since it was opened."""
    return client.updated_at.isoformat()


def _identity_line(client: Client) -> str:
    """A client's identity as the audit log keeps it for a record merged away."""
    parts = [
        client.full_name,
        client.nik,
        Sex(client.sex).label if client.sex else "",
        dateformat.format(client.birth_date, "j F Y") if client.birth_date else "",
        selectors.address_of(client),
        client.phone,
        client.email,
    ]
    return " · ".join(str(part) for part in parts if part)


def _household_lines(client: Client) -> list[str]:
    """The client's household as the audit log lists it: name, relationship (and its details),
    NIK, sex, birth date."""
    lines = []
    for member in client.members.order_by("pk"):
        relationship = member.get_relationship_display()
        parts = [
            member.full_name,
            f"{relationship} ({member.relationship_note})"
            if member.relationship_note
            else relationship,
            f"NIK {member.nik}" if member.nik else "",
            Sex(member.sex).label if member.sex else "",
            dateformat.format(member.birth_date, "j F Y") if member.birth_date else "",
        ]
        lines.append(" · ".join(str(part) for part in parts if part))
    return lines


def _check_household_niks(client: Client) -> None:
    """Refuse a household where a NIK is held twice: by two members, by a member and the client,
    or by a member and another registered client. A NIK names one person; the same number on
    two records would send a letter or a referral about one of them to the other's name."""
    members = list(client.members.exclude(nik="").order_by("pk"))
    seen: dict[str, HouseholdMember] = {}
    for member in members:
        if member.nik in seen:
            raise ValidationError(
                _("%(name)s and %(other)s cannot both have the NIK %(nik)s.")
                % {"name": member.full_name, "other": seen[member.nik].full_name, "nik": member.nik}
            )
        if member.nik == client.nik:
            raise ValidationError(
                _("The household member %(name)s cannot have the client's own NIK.")
                % {"name": member.full_name}
            )
        seen[member.nik] = member
    taken = selectors.registered_niks(seen, other_than=client)
    if taken:
        raise ValidationError(
            _("The NIK of household member %(name)s is registered as another client's.")
            % {"name": seen[min(taken)].full_name}
        )


@transaction.atomic
def update_client(
    *,
    actor: AbstractBaseUser,
    case: Case,
    client_data: dict[str, Any],
    member_edits: list[MemberEdit],
    version: str,
) -> bool:
    """Correct a client's data and household, as one audited action with before and after.

    Returns whether anything changed; nothing changed records nothing. The personal values go
    into the event encrypted with the client's key, as at registration. An edit begun before
    someone else's correction is refused rather than undo it without a word.
    """
    if not may_edit_client(actor, case):
        raise PermissionDenied(
            _("Only a head or the case's counselor may correct a client's data.")
        )
    client = Client.objects.select_for_update().get(pk=case.client_id)
    subject = personal_data.subject(client.pk)
    if personal.is_erased(subject):
        raise ValidationError(_("The personal data of this client were erased."))
    if client_version(client) != version:
        raise ValidationError(
            _("Someone else corrected this client's data meanwhile. Open the form again.")
        )
    nik = client_data.get("nik", "")
    if nik and selectors.registered_niks([nik], other_than=client):
        raise ValidationError(_("Another client is registered with this NIK."))
    before = {name: getattr(client, name) for name in EDITABLE_CLIENT_FIELDS}
    for name in EDITABLE_CLIENT_FIELDS:
        setattr(client, name, client_data.get(name, before[name]))
    client.full_clean()
    after = {name: getattr(client, name) for name in EDITABLE_CLIENT_FIELDS}
    changes = audit.field_changes(before, after)

    members_before = _household_lines(client)
    concerned = _concerned_member_ids(client)
    for edit in member_edits:
        if edit.member is not None and edit.member.client_id != client.pk:
            raise PermissionDenied
        if edit.delete:
            if edit.member is not None and edit.member.pk in concerned:
                raise ValidationError(
                    _(
                        "%(name)s cannot be removed: a session, a referral or another service "
                        "is about them. Correct their data instead."
                    )
                    % {"name": edit.member.full_name}
                )
            if edit.member is not None:
                edit.member.delete()
            continue
        member = edit.member or HouseholdMember(client=client)
        for name in MEMBER_FIELDS:
            setattr(member, name, edit.data.get(name, getattr(member, name)))
        member.full_clean()
        member.save()
    _check_household_niks(client)
    members_after = _household_lines(client)
    if members_after != members_before:
        changes[personal_data.HOUSEHOLD_FIELD] = [members_before, members_after]
    if not changes:
        return False
    client.save()
    audit.record(
        Action.CLIENT_CHANGED,
        case=case,
        obj=client,
        details=personal.protect_changes(subject, changes, HOUSEHOLD_PERSONAL_FIELDS),
    )
    return True
