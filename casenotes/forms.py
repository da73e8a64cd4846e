"""Forms of notes and contacts. They validate input; `services` records it."""

from typing import Any

from django import forms
from django.utils import timezone

from lk3_flow.fields import LocalDateTimeFormField

from .models import CaseNote, ContactEntry


class NoteForm(forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["text", "confidential"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactEntry
        fields = ["kind", "contacted_at", "with_whom", "summary"]
        field_classes = {"contacted_at": LocalDateTimeFormField}
        widgets = {
            "with_whom": forms.TextInput,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Most contacts are recorded right after they happened.
        self.fields["contacted_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
