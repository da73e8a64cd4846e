from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lk3_flow.uploads import upload_max_bytes

from .models import LetterKind


class CompareUploadForm(forms.Form):
    """Anyone holding a copy of a letter may check that its bytes are the issued ones."""

    pdf = forms.FileField(label=_("PDF file of the letter"))

    def clean_pdf(self) -> bytes:
        upload = self.cleaned_data["pdf"]
        limit = upload_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB."),
                params={"megabytes": limit // (1024 * 1024)},
            )
        return b"".join(upload.chunks())


class ShortCodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)


class RegisterFilterForm(forms.Form):
    """Which part of the letter register to read: a year, and one kind or all."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["kind"].choices = [("", _("All kinds")), *LetterKind.choices]
