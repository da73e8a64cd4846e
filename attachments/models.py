"""Documents kept with a case file: the signed consent statement, ID scans, photos, letters."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lk3_flow.fields import LimitedTextField
from lk3_flow.models import Case

from .files import attachment_file_name

# A few words on what the document is; a file name as a phone or scanner writes it.
DESCRIPTION_LENGTH = 300
FILE_NAME_LENGTH = 255


class AttachmentKind(models.TextChoices):
    SIGNED_CONSENT = "signed_consent", _("Signed consent statement")
    KTP_SCAN = "ktp_scan", _("KTP scan")
    KK_SCAN = "kk_scan", _("KK scan")
    PHOTO = "photo", _("Photo")
    INSTITUTION_LETTER = (
        "institution_letter",
        _("Letter from the police, a court, a school or another institution"),
    )
    OTHER = "other", _("Other document")


class Attachment(models.Model):
    """One stored document of a case, its bytes checked and cleaned when it came in.

    The stored file's name is random (`files`); the name it was uploaded with, sanitised, is
    kept only to name the download. After the client's erasure the row stays, as a record that
    a document of that kind was on file, without its file, name or description.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AttachmentKind.choices)
    description = LimitedTextField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_file_name, blank=True)
    original_name = LimitedTextField(_("file name"), max_length=FILE_NAME_LENGTH, blank=True)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["case", "kind"], name="attachment_case_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
