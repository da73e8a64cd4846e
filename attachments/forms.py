from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from lk3_flow.fields import NOTE_LENGTH

from . import content
from .models import DESCRIPTION_LENGTH, AttachmentKind


class UploadForm(forms.Form):
    """A document for the case file; what it is, is decided from its bytes by the service."""

    kind = forms.ChoiceField(label=_("Kind"))
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_LENGTH,
        required=False,
        help_text=_("Optional: what the document is, e.g. the police report of 3 March."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG. Photos are stored without their location and camera data."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(AttachmentKind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]

    def clean_file(self) -> UploadedFile:
        """A file above the limit is refused by its size, before a byte of it is read."""
        upload = self.cleaned_data["file"]
        content.check_size(upload.size)
        return upload


class RemoveForm(forms.Form):
    """Why a file is taken off the case, confirmed explicitly: its bytes cannot come back."""

    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("I am sure and understand that this action cannot be undone"),
        error_messages={"required": _("Tick the confirmation to continue.")},
    )
