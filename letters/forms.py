from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class CompareUploadForm(forms.Form):
    """Anyone holding a copy of a letter may check that its bytes are the issued ones."""

    pdf = forms.FileField(label=_("PDF file of the letter"))

    def clean_pdf(self) -> bytes:
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return b"".join(upload.chunks())


class ShortCodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
