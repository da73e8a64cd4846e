"""Reads of the case domain."""

import datetime

from django.db.models import Q, QuerySet

from .choices import NextStep, ReferralStatus, Review
from .models import Assessment, Case, Client, Closure, CounselingSession, Partner, Referral


def latest_assessment(case: Case) -> Assessment | None:
    return case.assessments.order_by("-id").first()


def latest_session(case: Case) -> CounselingSession | None:
    return case.sessions.order_by("-id").first()


def latest_referral(case: Case) -> Referral | None:
    return case.referrals.order_by("-id").first()


def latest_closure(case: Case) -> Closure | None:
    return case.closures.order_by("-id").first()


def assessment_approved(case: Case) -> bool:
    assessment = latest_assessment(case)
    return assessment is not None and assessment.review == Review.APPROVED


def referral_approved(case: Case) -> bool:
    referral = latest_referral(case)
    return referral is not None and referral.status == ReferralStatus.SENT


def closure_approved(case: Case) -> bool:
    closure = latest_closure(case)
    return closure is not None and closure.review == Review.APPROVED


def counselor_wants(case: Case, step: NextStep) -> bool:
    session = latest_session(case)
    return session is not None and session.next_step == step


def returned_assessment(case: Case) -> Assessment | None:
    """The head's last returned assessment, when it is the latest one: the counselor revises it."""
    assessment = latest_assessment(case)
    return assessment if assessment and assessment.review == Review.RETURNED else None


def active_partners() -> QuerySet:
    return Partner.objects.filter(active=True).order_by("category", "name")


def possible_duplicate_clients(
    *, nik: str, full_name: str, birth_date: datetime.date | None
) -> QuerySet:
    """Clients that may be the same person: same NIK, or same birth date and a similar name."""
    match = Q(pk__in=[])
    if nik:
        match |= Q(nik=nik)
    if birth_date and full_name.strip():
        first_word = full_name.strip().split()[0]
        match |= Q(birth_date=birth_date, full_name__icontains=first_word)
    return Client.objects.filter(match).order_by("full_name")


def case_with_records(case_id: int) -> Case:
    """A case with everything its detail page shows, in a fixed number of queries."""
    return (
        Case.objects.select_related("client", "counselor", "registered_by", "reopened_from")
        .prefetch_related(
            "client__members",
            "assessments__author",
            "assessments__reviewed_by",
            "sessions__counselor",
            "referrals__partner",
            "closures",
            "reopenings",
            "counselor_changes__previous",
            "counselor_changes__new",
            "counselor_changes__changed_by",
        )
        .get(pk=case_id)
    )
