from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lk3_flow.uploads import upload_max_bytes

from .models import REGISTER_KINDS

# A PDF says so in its first kilobyte (readers accept a little junk before the header).
PDF_HEADER = b"%PDF"
PDF_HEADER_WITHIN = 1024


class CompareUploadForm(forms.Form):
    """Anyone holding a copy of a letter may check that its bytes are the issued ones."""

    pdf = forms.FileField(label=_("PDF file of the letter"))

    def __init__(self, *args: Any, document_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if document_label:
            self.fields["pdf"].label = document_label

    def clean_pdf(self) -> bytes:
        upload = self.cleaned_data["pdf"]
        limit = upload_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB."),
                params={"megabytes": limit // (1024 * 1024)},
            )
        data = b"".join(upload.chunks())
        if PDF_HEADER not in data[:PDF_HEADER_WITHIN]:
            raise forms.ValidationError(_("The file is not a PDF."))
        return data


class ShortCodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)


class RegisterFilterForm(forms.Form):
    """Which part of the letter register to read: a year, and one kind or all."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["kind"].choices = [("", _("All kinds")), *REGISTER_KINDS]
