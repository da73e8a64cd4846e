"""Reads about letters and the institution that issues them."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from lk3_flow.models import Case
from permissions.selectors import CaseAccess, case_access, sees_every_case

from .models import (
    REGISTER_KINDS,
    RENDER_ATTEMPTS,
    InstitutionProfile,
    IssuedReport,
    Letter,
    LetterKind,
    LetterNumber,
    LetterStatus,
    PendingRendering,
)

# What an intake officer may still read once the case has a counselor: what they registered.
REGISTRATION_LETTERS = (LetterKind.REGISTRATION_RECEIPT, LetterKind.SERVICE_CONSENT)


def institution_profile() -> InstitutionProfile:
    profile, _created = InstitutionProfile.objects.get_or_create(pk=1)
    return profile


def letters_readable_by(user: AbstractBaseUser, case: Case) -> QuerySet:
    letters = Letter.objects.filter(case=case).select_related("superseded_by")
    access = case_access(user, case)
    if access == CaseAccess.FULL:
        return letters
    if access == CaseAccess.REGISTRATION:
        return letters.filter(kind__in=REGISTRATION_LETTERS)
    return letters.none()


def with_public_checks(letters: QuerySet) -> QuerySet:
    """Each letter with `public_checks`: how often its verification page was opened, in all."""
    return letters.annotate(public_checks=Coalesce(Sum("verification_tallies__views"), 0))


def may_read_letter(user: AbstractBaseUser, letter: Letter) -> bool:
    return letters_readable_by(user, letter.case).filter(pk=letter.pk).exists()


def letter_by_token(token: str) -> Letter | None:
    return Letter.objects.select_related("superseded_by").filter(token=token).first()


def report_by_token(token: str) -> IssuedReport | None:
    return IssuedReport.objects.filter(token=token).first()


def document_by_short_code(code: str) -> Letter | IssuedReport | None:
    """The letter or the report whose printed verification code this is, typed as people
    type it: any case, with or without the hyphen or spaces."""
    normalized = code.strip().upper().replace(" ", "")
    if len(normalized) == 10:
        normalized = f"{normalized[:5]}-{normalized[5:]}"
    return (
        Letter.objects.filter(short_code=normalized).first()
        or IssuedReport.objects.filter(short_code=normalized).first()
    )


def issued_reports() -> QuerySet:
    """Every periodic report issued, newest first; they name no client."""
    return IssuedReport.objects.order_by("-issued_at", "-id")


def letter_file_names() -> dict[str, str]:
    """The stored file of every letter that has one, by name, with the letter's number."""
    return dict(Letter.objects.exclude(pdf="").values_list("pdf", "number"))


def letters_the_worker_gave_up_on() -> list[str]:
    """Numbers of the letters whose file the worker failed to make too often to try again."""
    return list(
        PendingRendering.objects.filter(attempts__gte=RENDER_ATTEMPTS)
        .order_by("letter_id")
        .values_list("letter__number", flat=True)
    )


# The Pengelola keeps the letter settings, the number pattern among them.
KEEP_LETTER_SETTINGS = "letters.change_institutionprofile"


def may_read_letter_register(user: AbstractBaseUser) -> bool:
    """Who answers for the agenda book: heads (who sign), auditors, and the Pengelola.

    The register names no client, only case numbers, which it links for those who may open them.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return sees_every_case(user) or user.has_perm(KEEP_LETTER_SETTINGS)


def register_years() -> list[int]:
    """The years the register has numbers of, newest first."""
    return list(LetterNumber.objects.values_list("year", flat=True).distinct().order_by("-year"))


def register_entries(*, year: int, kind: str = "") -> QuerySet:
    """The register of one year (of one kind, if given): every number in order, kind by kind."""
    kind_order = models.Case(
        *(models.When(kind=kind, then=order) for order, (kind, _label) in enumerate(REGISTER_KINDS))
    )
    entries = LetterNumber.objects.filter(year=year)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.select_related("letter__case", "issuedreport").order_by(kind_order, "sequence")


def latest_letter(case: Case, kind: str) -> Letter | None:
    """The case's letter of `kind` in force: the last one issued and not revoked."""
    return (
        Letter.objects.filter(case=case, kind=kind, status=LetterStatus.VALID)
        .order_by("-issued_at", "-pk")
        .first()
    )
