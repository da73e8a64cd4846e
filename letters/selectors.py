"""Reads about letters and the institution that issues them."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from lk3_flow.models import Case
from permissions.selectors import CaseAccess, case_access

from .models import InstitutionProfile, Letter, LetterKind

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


def letter_by_short_code(code: str) -> Letter | None:
    normalized = code.strip().upper().replace(" ", "")
    if len(normalized) == 10:
        normalized = f"{normalized[:5]}-{normalized[5:]}"
    return Letter.objects.filter(short_code=normalized).first()


def letter_file_names() -> dict[str, str]:
    """The stored file of every letter, by name, with the letter's number."""
    return dict(Letter.objects.values_list("pdf", "number"))
