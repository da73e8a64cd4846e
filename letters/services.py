"""Issuing, storing and correcting letters.

A letter is issued inside the transaction of the step that calls for it: its number, its record
and its content (the HTML, from the records as they stand) commit with the step or not at all.
Its number is drawn apart on PostgreSQL (see `numbering.draws_apart`) and then stays in the letter
register, void. Its file, the slow part, is made and signed after commit by the background
worker or by the first reader, whichever comes first (`rendered`); the stored PDF is never
regenerated.
"""

import base64
import datetime
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, TextChoices
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import sealing
from audit import services as audit
from audit.models import Action
from audit.verification import checkpoint
from lk3_flow.models import Case

from . import content, files, signing
from .letterhead import letterhead_lines
from .models import (
    PERIODIC_REPORT,
    RENDER_ATTEMPTS,
    InstitutionProfile,
    IssuedDocument,
    IssuedReport,
    Letter,
    LetterNumber,
    LetterStatus,
    NumberStatus,
    PendingRendering,
    VerificationTally,
    VoidReason,
)
from .numbering import letter_number
from .rendering import RenderedLetter, render_letter
from .selectors import institution_profile

logger = logging.getLogger(__name__)

# Raised whenever the letter templates or their stylesheet change in a way that shows.
TEMPLATE_VERSION = "2026.12-2"
SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# How long a drawn number may wait for its step before it counts as unused: far longer than
# any rendering, so that only numbers of steps that are over are voided.
UNUSED_NUMBER_GRACE = datetime.timedelta(minutes=10)
# Who the audit log names for a file the worker made.
WORKER_NAME = "LK3 Flow"
SIGNATURE_FIELDS = (
    "signed_at",
    "certificate_subject",
    "certificate_issuer",
    "certificate_serial",
    "certificate_fingerprint",
    "certificate_trusted",
)


def _short_code() -> str:
    code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(10))
    return f"{code[:5]}-{code[5:]}"


def verification_path(document: IssuedDocument) -> str:
    """The public page that tells whether the document is genuine."""
    name = "verify_report" if isinstance(document, IssuedReport) else "verify_letter"
    return reverse(name, args=[document.token])


def verification_url(document: IssuedDocument) -> str:
    """The verification page's address as the document's QR code holds it."""
    return settings.LK3_PUBLIC_URL.rstrip("/") + verification_path(document)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m", boost_error=False).svg_inline(scale=2, border=0)


def _logo_src(profile: InstitutionProfile) -> str:
    """The uploaded logo inlined as a data URL, or the bundled emblem."""
    if not profile.logo:
        return "lk3-asset:logo.svg"
    with profile.logo.open("rb") as logo:
        data = logo.read()
    mime = "image/svg+xml" if profile.logo.name.lower().endswith(".svg") else "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _signer_facts(signer: AbstractBaseUser) -> dict[str, str]:
    profile = getattr(signer, "lk3_profile", None)
    return {
        "signer_name": signer.get_full_name() or signer.get_username(),
        "signer_position": (profile.position if profile else "") or _("Staff"),
        "signer_nip": profile.nip if profile else "",
    }


def signs_on_behalf_of_head(profile: InstitutionProfile, signer_position: str) -> bool:
    """Whoever signs with a position other than the head's signs for the head ("a.n.")."""
    return signer_position.strip().casefold() != profile.head_title.strip().casefold()


def document_context(
    document: IssuedDocument, profile: InstitutionProfile, *, dated: datetime.date
) -> dict[str, Any]:
    """What `letters/base.html` needs of any issued document: the letterhead, the date line,
    the signer's block and the QR code of its verification page. The template names the
    document `letter`."""
    url = verification_url(document)
    return {
        "letter": document,
        "profile": profile,
        "letterhead": letterhead_lines(profile),
        "on_behalf_of_head": signs_on_behalf_of_head(profile, document.signer_position),
        "logo_src": _logo_src(profile),
        "date_line": f"{profile.city}, {content.indonesian_date(dated)}",
        "verification_url": url,
        "qr_svg": _qr_svg(url),
    }


def render_letter_html(letter: Letter, draft: content.LetterDraft, profile: Any) -> str:
    context = {
        **document_context(letter, profile, dated=draft.dated or letter.issued_on),
        "draft": draft,
        "case": draft.case,
        "client": draft.case.client,
        **draft.records,
    }
    with translation.override("id"):
        return render_to_string(draft.template_name, context)


def issue_letter(kind: str, case: Case, *, signer: AbstractBaseUser, **records: Any) -> Letter:
    """Number and record one letter about the case, its content fixed as the records stand.

    Only the drawing of the number is serialised among letters of one kind. The PDF is made
    after commit (`rendered`): the step does not wait for it.
    """
    profile = institution_profile()
    issued_at = timezone.now()
    issued_on = timezone.localdate(issued_at)
    draft = content.draft(kind, case, profile, on=issued_on, **records)
    linked = {name: records[name] for name in ("session", "referral", "closure") if name in records}
    with letter_number(
        profile.number_pattern, kind=kind, on=issued_on, case_id=case.pk, drawn_by_id=signer.pk
    ) as entry:
        letter = Letter(
            case=case,
            kind=kind,
            number=entry.number,
            sequence=entry.sequence,
            register_entry=entry,
            issued_at=issued_at,
            issued_on=issued_on,
            subject=draft.subject,
            signer=signer,
            token=secrets.token_urlsafe(32),
            short_code=_short_code(),
            template_version=TEMPLATE_VERSION,
            **_signer_facts(signer),
            **linked,
        )
        html = render_letter_html(letter, draft, profile)
        letter.save()
        PendingRendering.objects.create(letter=letter, html=html, queued_at=issued_at)
        audit.record(
            Action.LETTER_ISSUED,
            case=case,
            obj=letter,
            details={"number": letter.number, "kind": kind},
        )
    return letter


def rendered(letter: Letter) -> Letter:
    """The letter with its file: made now if nobody has made it yet.

    A reader who comes before the worker waits for the rendering once; a reader who comes while
    the worker renders it waits on the row lock, then finds it made.
    """
    if letter.rendered_at is None:
        with transaction.atomic():
            pending = (
                PendingRendering.objects.select_for_update(of=("self",))
                .select_related("letter__case")
                .filter(letter=letter)
                .first()
            )
            if pending is not None:
                _make_file(pending)
        letter.refresh_from_db()
    return letter


def render_pending_letters(*, for_seconds: float | None = None) -> int:
    """Make the file of every letter still waiting for one, oldest first; the worker's job.

    With `for_seconds`, no letter is begun once that time has passed: a backlog is made over
    several rounds of the worker, whose other jobs (sealing, within its promised bound) and
    whose stopping do not wait for all of it. A letter another process is rendering is skipped,
    not waited for. One whose rendering fails is tried again next round, and left alone after
    `RENDER_ATTEMPTS` failures. Returns how many files were made.
    """
    made = 0
    failed: set[int] = set()
    deadline = None if for_seconds is None else time.monotonic() + for_seconds
    while deadline is None or time.monotonic() < deadline:
        with transaction.atomic():
            pending = (
                PendingRendering.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("letter__case")
                .filter(attempts__lt=RENDER_ATTEMPTS)
                .exclude(letter_id__in=failed)
                .order_by("queued_at", "letter_id")
                .first()
            )
            if pending is None:
                return made
            # Kept apart: a delete rolled back still leaves the instance without its key.
            letter_id, attempts = pending.letter_id, pending.attempts
            try:
                with transaction.atomic():
                    _make_file(pending)
            except Exception as error:
                # Logged by class only: the message of a rendering error may quote the letter.
                # The file it may have left is removed below, once outside the transaction.
                logger.error(
                    "Could not make the file of letter %s: %s", letter_id, type(error).__name__
                )
                failed.add(letter_id)
                PendingRendering.objects.filter(pk=letter_id).update(
                    attempts=attempts + 1, last_error=type(error).__name__[:100]
                )
            else:
                made += 1
        # Outside a request nothing else removes a file whose transaction did not commit.
        files.discard_rolled_back_files()
    return made


def _make_file(pending: PendingRendering) -> None:
    """PDF from the issued HTML, signed, stored, hashed into the audit log; in the caller's
    transaction. The stored bytes are the signed bytes: the hash is theirs.

    Without a key to sign with it fails before rendering (`signing.SigningUnavailable`): the
    letter stays pending, and is made once a key is configured.
    """
    letter = pending.letter
    signer = signing.letter_signer()
    pdf = _signed(letter, render_letter(pending.html), signer, institution_profile())
    files.store_pdf(letter, pdf)
    try:
        letter.save(update_fields=["pdf", "sha256", "rendered_at", *SIGNATURE_FIELDS])
        pending.delete()
        audit.record(
            Action.LETTER_FILED,
            case=letter.case,
            obj=letter,
            details={"number": letter.number, "sha256": letter.sha256},
            actor_name=WORKER_NAME,
        )
    except BaseException:
        # The block's transaction rolls back: the file goes now, not at the request's end.
        files.delete_pdf(letter.pdf)
        raise


def _signed(
    document: IssuedDocument,
    made: RenderedLetter,
    signer: signing.LetterSigner,
    profile: InstitutionProfile,
) -> bytes:
    """The rendered file signed; the document takes the signature's facts and the signed
    bytes' hash."""
    signed_at = timezone.now()
    text = signing.SignatureText(
        signer_name=document.signer_name,
        signer_position=document.signer_position,
        letter_number=document.number,
        location=profile.city,
        signed_at=signed_at,
    )
    pdf = signer.sign(made.pdf, stamp=made.stamp, text=text)
    certificate = signer.certificate
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.rendered_at = timezone.now()
    document.signed_at = signed_at
    document.certificate_subject = certificate.subject
    document.certificate_issuer = certificate.issuer
    document.certificate_serial = certificate.serial
    document.certificate_fingerprint = certificate.fingerprint
    document.certificate_trusted = certificate.trusted
    return pdf


def issue_report(
    *,
    subject: str,
    period_first: datetime.date,
    period_last: datetime.date,
    signer: AbstractBaseUser,
    page: Callable[[dict[str, Any]], str],
) -> IssuedReport:
    """Number, render, sign and store a periodic report, all in one transaction.

    `page` turns `document_context` into the report's HTML. The audit chain is sealed up to now
    and its checkpoint printed in the report (`page` finds it on the document). Unlike a letter,
    the file is made here: the report names no client, so its HTML is not kept to be rendered
    later, and the head who issues it waits for it. Without a signing key nothing is drawn
    (`signing.SigningUnavailable`); a failure after the number was drawn voids the number
    (PostgreSQL) and leaves no file.
    """
    key = signing.letter_signer()
    profile = institution_profile()
    # Everything committed so far is sealed first, so that the checkpoint the report carries is
    # this moment's, not the sealer's last round's. Before the report's transaction: sealing
    # holds the chain's head only for its own.
    sealing.seal_pending()
    held = checkpoint()
    issued_at = timezone.now()
    issued_on = timezone.localdate(issued_at)
    with (
        transaction.atomic(),
        letter_number(
            profile.number_pattern,
            kind=PERIODIC_REPORT,
            on=issued_on,
            case_id=None,
            drawn_by_id=signer.pk,
        ) as entry,
    ):
        report = IssuedReport(
            number=entry.number,
            sequence=entry.sequence,
            register_entry=entry,
            issued_at=issued_at,
            issued_on=issued_on,
            subject=subject,
            signer=signer,
            token=secrets.token_urlsafe(32),
            short_code=_short_code(),
            template_version=TEMPLATE_VERSION,
            period_first=period_first,
            period_last=period_last,
            audit_events=held.count,
            audit_head=held.head,
            **_signer_facts(signer),
        )
        with translation.override("id"):
            html = page(document_context(report, profile, dated=issued_on))
        pdf = _signed(report, render_letter(html), key, profile)
        files.store_report_pdf(report, pdf)
        try:
            report.save()
            audit.record(
                Action.REPORT_ISSUED,
                obj=report,
                details={
                    "number": report.number,
                    "period": [period_first.isoformat(), period_last.isoformat()],
                    "sha256": report.sha256,
                    "audit_events": held.count,
                    "audit_head": held.head,
                },
            )
        except BaseException:
            files.REPORTS.delete_now(report.pdf)
            raise
    return report


def void_unused_numbers(*, older_than: datetime.timedelta = UNUSED_NUMBER_GRACE) -> int:
    """Void the numbers drawn more than `older_than` ago that no committed letter carries.

    Such a number was drawn by a step that failed after its letter was issued (or whose process
    died): the step rolled back its letter and the mark "used", not the number. A step still
    running has its number row-locked (see `numbering.letter_number`): it is skipped, not waited
    for. Run periodically; returns how many numbers were voided.
    """
    now = timezone.now()
    carried = Exists(Letter.objects.filter(register_entry=OuterRef("pk")))
    with transaction.atomic():
        stale = list(
            LetterNumber.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(status=NumberStatus.DRAWN, drawn_at__lt=now - older_than)
            .exclude(carried)
            .values_list("pk", flat=True)
        )
        return LetterNumber.objects.filter(pk__in=stale).update(
            status=NumberStatus.VOID, voided_at=now, void_reason=VoidReason.STEP_NOT_COMPLETED
        )


@transaction.atomic
def correct_letter(letter: Letter, *, signer: AbstractBaseUser, reason: str) -> Letter:
    """Issue a corrected letter from today's records; the old one is revoked and points to it."""
    if not reason.strip():
        raise ValidationError(_("A reason for the correction is required."))
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != LetterStatus.VALID:
        raise ValidationError(_("This letter has already been revoked."))
    records = {
        name: getattr(letter, name)
        for name in ("session", "referral", "closure")
        if getattr(letter, f"{name}_id")
    }
    replacement = issue_letter(letter.kind, letter.case, signer=signer, **records)
    letter.status = LetterStatus.REVOKED
    letter.revoked_at = timezone.now()
    letter.revocation_reason = reason
    letter.superseded_by = replacement
    letter.save(update_fields=["status", "revoked_at", "revocation_reason", "superseded_by"])
    audit.record(
        Action.LETTER_REVOKED,
        case=letter.case,
        obj=letter,
        details={"reason": reason, "replaced_by": replacement.number},
    )
    return replacement


def give_private_name(letter: Letter) -> None:
    """Move a letter's bytes to a name that says nothing; letters used to be named by token.

    The bytes are checked against the issued hash first: only the issued letter moves.
    """
    with letter.pdf.open("rb") as stored:
        data = stored.read()
    if hashlib.sha256(data).hexdigest() != letter.sha256:
        raise ValidationError(
            _("The stored file of letter %(number)s is not the issued one."),
            params={"number": letter.number},
        )
    old = letter.pdf.name
    storage = letter.pdf.storage
    with transaction.atomic():
        files.store_pdf(letter, data)
        try:
            Letter.objects.filter(pk=letter.pk).update(pdf=letter.pdf.name)
        except BaseException:
            files.delete_pdf(letter.pdf)
            raise
        transaction.on_commit(lambda: storage.delete(old))


@dataclass(frozen=True)
class CopyCheck:
    """An uploaded copy against the issued letter: the same bytes? And its own signature."""

    identical: bool
    signature: signing.SignatureCheck


def check_copy(document: IssuedDocument, data: bytes) -> CopyCheck:
    """Compare a copy anyone uploads with the document's stored file and validate the
    signature it carries."""
    identical = hashlib.sha256(data).hexdigest() == document.sha256
    return CopyCheck(identical=identical, signature=signing.check_signature(data))


class Verification(TextChoices):
    """What a public check of a letter was; each is a counter of VerificationTally."""

    VIEW = "views"
    MATCH = "matches"
    MISMATCH = "mismatches"


def count_verification(letter: Letter, what: Verification) -> None:
    """Add one to today's tally of the letter (Asia/Jakarta day); safe under parallel checks."""
    field, day = str(what.value), timezone.localdate()
    today = VerificationTally.objects.filter(letter=letter, day=day)
    if today.update(**{field: F(field) + 1}):
        return
    try:
        with transaction.atomic():
            VerificationTally.objects.create(letter=letter, day=day, **{field: 1})
    except IntegrityError:
        # Another check created today's row in the meantime.
        today.update(**{field: F(field) + 1})
