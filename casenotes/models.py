"""What a case file holds beside its process steps: notes, and the log of contacts with people.

Both are append-only records an office keeps: nothing is edited after the fact, a correction is
a new entry. Their texts are the client's personal data (`PERSONAL_FIELDS`): the audit log
keeps them encrypted with the client's key, and erasing the client blanks them here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lk3_flow.fields import NARRATIVE_LENGTH, BoundedDateTimeField, LimitedTextField
from lk3_flow.models import Case

# "Ibu klien", "Wali kelas", "Kepala Desa Sukamaju": who, not their life story.
WITH_WHOM_LENGTH = 200


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("WhatsApp/message")
    HOME_VISIT = "home_visit", _("Home visit")
    OFFICE_VISIT = "office_visit", _("Came to the office")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class CaseNote(models.Model):
    """A note in the case file; a confidential one is for the case's counselor and the heads."""

    PERSONAL_FIELDS = ("text",)

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="notes", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = LimitedTextField(_("note"), max_length=NARRATIVE_LENGTH)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the case's counselor and the heads can read a confidential note."),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-created_at", "-id"], name="casenotes_note_newest")
        ]

    def __str__(self) -> str:
        # What the audit log and the admin keep as its label: never the text.
        return f"{self.case} · {self._meta.verbose_name} {self.pk}"


class ContactEntry(models.Model):
    """One contact with the client or someone around them: a call, a message, a visit."""

    PERSONAL_FIELDS = ("with_whom", "summary")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    contacted_at = BoundedDateTimeField(_("date and time of contact"))
    # A text with a database check, as every free text of a case; typed on one line.
    with_whom = LimitedTextField(
        _("with whom"),
        max_length=WITH_WHOM_LENGTH,
        help_text=_("For example: the client's mother, the class teacher."),
    )
    summary = LimitedTextField(_("summary"), max_length=NARRATIVE_LENGTH)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        ordering = ["-contacted_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-contacted_at", "-id"], name="casenotes_contact_newest")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ContactKind.values), name="casenotes_contact_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self._meta.verbose_name} {self.pk}"
