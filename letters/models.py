"""Official letters (surat dinas): the institution that issues them, and every letter issued."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lk3_flow.fields import LETTER_PAGE_LENGTH, NOTE_LENGTH, LimitedTextField

from .files import letter_file_name, report_file_name

DEFAULT_NUMBER_PATTERN = "{seq:03d}/{code}/LK3-LBK/{roman_month}/{year}"


class PaperSize(models.TextChoices):
    A4 = "A4", _("A4 (210 x 297 mm)")
    F4 = "F4", _("F4 (215 x 330 mm)")


class LetterKind(models.TextChoices):
    REGISTRATION_RECEIPT = "registration_receipt", _("Registration receipt")
    SERVICE_CONSENT = "service_consent", _("Statement of consent to services")
    ASSIGNMENT = "assignment", _("Letter of assignment")
    ASSESSMENT_REPORT = "assessment_report", _("Assessment report")
    COUNSELING_INVITATION = "counseling_invitation", _("Counseling invitation")
    REFERRAL = "referral", _("Referral letter")
    SERVICE_COMPLETION = "service_completion", _("Certificate of service completion")
    HOME_VISIT_ASSIGNMENT = "home_visit_assignment", _("Letter of assignment for a home visit")
    ACCOMPANIMENT_ASSIGNMENT = (
        "accompaniment_assignment",
        _("Letter of assignment for an accompaniment"),
    )
    ACCOMPANIMENT_CERTIFICATE = "accompaniment_certificate", _("Certificate of accompaniment")
    PROTECTION_PLACEMENT = "protection_placement", _("Protection placement letter")


# The register numbers the periodic reports too, which concern no case (`IssuedReport`).
PERIODIC_REPORT = "periodic_report"
REGISTER_KINDS = [*LetterKind.choices, (PERIODIC_REPORT, _("Periodic report to the social office"))]


class LetterStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class NumberStatus(models.TextChoices):
    DRAWN = "drawn", _("Being issued")
    USED = "used", _("Used")
    VOID = "void", _("Void")


class VoidReason(models.TextChoices):
    ISSUE_FAILED = "issue_failed", _("Issuing the letter failed")
    STEP_NOT_COMPLETED = (
        "step_not_completed",
        _("The step that drew this number did not complete; no letter carries it"),
    )


class InstitutionProfile(models.Model):
    """The letterhead and signing place of the institution; one row, edited by the Pengelola."""

    government = models.CharField(
        _("government"), max_length=200, default="PEMERINTAH KABUPATEN LEBAK"
    )
    agency = models.CharField(_("agency"), max_length=200, default="DINAS SOSIAL")
    name = models.CharField(
        _("institution name"),
        max_length=200,
        default="LEMBAGA KONSULTASI KESEJAHTERAAN KELUARGA (LK3)",
    )
    short_name = models.CharField(
        _("short name used in letter text"), max_length=100, default="LK3 Kabupaten Lebak"
    )
    address = models.CharField(
        _("address"),
        max_length=300,
        default="Jl. Abdi Negara No. 3, Rangkasbitung, Kabupaten Lebak, Banten 42312",
    )
    phone = models.CharField(_("telephone"), max_length=60, blank=True, default="(0252) 201012")
    email = models.EmailField(_("e-mail"), blank=True, default="lk3@lebakkab.go.id")
    website = models.CharField(_("website"), max_length=120, blank=True)
    city = models.CharField(_("place of signing"), max_length=100, default="Rangkasbitung")
    head_title = models.CharField(
        _("position of the head"),
        max_length=120,
        default="Ketua LK3 Kabupaten Lebak",
        help_text=_(
            "As letters print it. Whoever signs with another position signs on behalf of "
            "the head (a.n.)."
        ),
    )
    logo = models.FileField(_("logo (PNG or SVG)"), upload_to="institution/", blank=True)
    paper_size = models.CharField(
        _("paper size"), max_length=2, choices=PaperSize.choices, default=PaperSize.A4
    )
    number_pattern = models.CharField(
        _("letter number pattern"),
        max_length=120,
        default=DEFAULT_NUMBER_PATTERN,
        help_text=_(
            "Fields: {seq} (e.g. {seq:03d}), {code}, {roman_month}, {month}, {year}. "
            "Numbers restart every calendar year for each kind of letter."
        ),
    )
    copies_to = LimitedTextField(
        _("standard copies (tembusan)"),
        max_length=NOTE_LENGTH,
        blank=True,
        default="Kepala Dinas Sosial Kabupaten Lebak",
        help_text=_(
            "One recipient per line; printed on assessment reports, referrals, placements "
            "and completion certificates."
        ),
    )
    assignment_basis = LimitedTextField(
        _("basis of letters of assignment (dasar)"),
        max_length=NOTE_LENGTH,
        blank=True,
        default="Undang-Undang Nomor 11 Tahun 2009 tentang Kesejahteraan Sosial",
        help_text=_(
            "One regulation or decree per line; each letter of assignment adds the case "
            "record it rests on."
        ),
    )

    class Meta:
        verbose_name = _("institution profile")
        verbose_name_plural = _("institution profile")

    def __str__(self) -> str:
        return self.name


class LetterNumber(models.Model):
    """One line of the letter register (agenda book): a number drawn, then used or void.

    On PostgreSQL a number is drawn and committed apart from the step that asks for it, so that
    letters of one kind wait for each other's numbering only, not for each other's rendering. A
    number whose step then fails is never given again: it stays here, void, with the reason.
    The case and the person are plain ids, not foreign keys: the row is committed before the
    step that may have created that case (or that user, in tests) commits, or rolls back.
    """

    kind = models.CharField(_("kind"), max_length=40, choices=REGISTER_KINDS)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=120, unique=True)
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by_id = models.BigIntegerField(null=True)
    case_id = models.BigIntegerField(null=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NumberStatus.choices, default=NumberStatus.DRAWN
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(
        _("reason for voiding"), max_length=30, choices=VoidReason.choices, blank=True
    )
    # The class of the error that voided it, for the technician; never its message, which may
    # quote the records the letter was about.
    void_error = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("letter number")
        verbose_name_plural = _("letter register")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="one_number_per_sequence"
            )
        ]
        indexes = [models.Index(fields=["status", "drawn_at"], name="letternumber_status_drawn")]

    def __str__(self) -> str:
        return self.number


class IssuedDocument(models.Model):
    """What every numbered document the institution issues carries: a number from the letter
    register, its signer, a public verification address and code, and a signed file whose bytes
    never change. Letters are about a case; a periodic report is about the office.

    `sha256` is the hash of the stored, signed bytes.
    """

    number = models.CharField(_("number"), max_length=120, unique=True)
    sequence = models.PositiveIntegerField()
    register_entry = models.OneToOneField(
        LetterNumber, on_delete=models.PROTECT, related_name="%(class)s"
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_on = models.DateField(_("letter date"))
    subject = models.CharField(_("subject"), max_length=300)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_position = models.CharField(_("position"), max_length=200)
    signer_nip = models.CharField(_("NIP"), max_length=18, blank=True)
    token = models.CharField(max_length=64, unique=True)
    short_code = models.CharField(_("verification code"), max_length=11, unique=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("file made at"), null=True, blank=True)
    # The electronic signature in the stored file, as the verification page shows it without
    # reading the file. Letters made before letters were signed have none.
    signed_at = models.DateTimeField(_("signed electronically at"), null=True, blank=True)
    certificate_subject = models.CharField(_("certificate subject"), max_length=1000, blank=True)
    certificate_issuer = models.CharField(_("certificate issuer"), max_length=1000, blank=True)
    certificate_serial = models.CharField(_("certificate serial number"), max_length=64, blank=True)
    certificate_fingerprint = models.CharField(
        _("certificate fingerprint (SHA-256)"), max_length=64, blank=True
    )
    # Whether the certificate chained to a configured trust root when the document was signed.
    certificate_trusted = models.BooleanField(_("certificate trusted"), default=False)
    template_version = models.CharField(max_length=20)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class Letter(IssuedDocument):
    """An issued letter about a case. A correction is a new letter superseding it.

    Its file is made after the step that issued it has committed (`PendingRendering`): until
    then `pdf` and `sha256` are empty and `rendered_at` is not set. The file is signed when it
    is made.
    """

    case = models.ForeignKey(
        "lk3_flow.Case", on_delete=models.PROTECT, related_name="letters", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=LetterKind.choices)
    pdf = models.FileField(upload_to=letter_file_name, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.VALID
    )
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = LimitedTextField(
        _("reason for correction"), max_length=NOTE_LENGTH, blank=True
    )
    assessment = models.ForeignKey(
        "lk3_flow.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        "lk3_flow.CounselingSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referral = models.ForeignKey(
        "lk3_flow.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closure = models.ForeignKey(
        "lk3_flow.Closure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["issued_at", "id"]


class IssuedReport(IssuedDocument):
    """A periodic report to the social office, issued as a numbered, signed PDF.

    It also carries the audit chain's sealed checkpoint (`audit_events`, `audit_head`) of the
    moment it was made: once the report has left the building, the chain cannot be rewritten
    back past that point unnoticed. It names no client, so it is made in the request that
    issues it, file and all; nothing waits in the background.
    """

    period_first = models.DateField(_("period from"))
    period_last = models.DateField(_("period to"))
    pdf = models.FileField(upload_to=report_file_name)
    audit_events = models.PositiveBigIntegerField(_("sealed audit events"))
    audit_head = models.CharField(_("audit chain head"), max_length=64)

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-issued_at", "-id"]


# How often the worker tries to make a letter's file before it leaves it to a technician.
RENDER_ATTEMPTS = 3


class PendingRendering(models.Model):
    """A letter issued whose file is still to be made, with the page it was issued as.

    The step that issues a letter fixes its content there and then (the HTML, from the records as
    they stood) and leaves the slow part, HTML to PDF, to the background worker: no request waits
    for WeasyPrint, and no lock is held while it runs. Whoever asks for the file first, worker or
    reader, makes it (`letters.services.rendered`). The row, which quotes the client, is deleted
    as soon as the file exists.
    """

    letter = models.OneToOneField(
        Letter, on_delete=models.CASCADE, primary_key=True, related_name="pending_rendering"
    )
    html = LimitedTextField(max_length=LETTER_PAGE_LENGTH)
    queued_at = models.DateTimeField()
    # Failed tries of the worker; past `RENDER_ATTEMPTS` it stops trying and the
    # letter is listed by `check_letter_files`. Only the error's class is kept, never its text.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("letter awaiting its file")
        verbose_name_plural = _("letters awaiting their file")

    def __str__(self) -> str:
        return str(self.letter_id)


class VerificationTally(models.Model):
    """How often a letter was checked on the public page, per day.

    Anyone holding a QR code may check a letter as often as they like; counting here instead of
    chaining one audit event per check keeps the chain bounded by what the staff do.
    """

    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, related_name="verification_tallies"
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("page views"), default=0)
    matches = models.PositiveIntegerField(_("identical copies uploaded"), default=0)
    mismatches = models.PositiveIntegerField(_("differing copies uploaded"), default=0)

    class Meta:
        verbose_name = _("verification tally")
        verbose_name_plural = _("verification tallies")
        constraints = [
            models.UniqueConstraint(fields=["letter", "day"], name="one_tally_per_letter_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.letter} {self.day}"
