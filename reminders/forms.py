"""The choice of channel a reminder button posts; `services` checks the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel


class ReminderForm(forms.Form):
    channel = forms.ChoiceField(
        choices=Channel.choices,
        error_messages={
            "required": _("Choose WhatsApp or e-mail."),
            "invalid_choice": _("Choose WhatsApp or e-mail."),
        },
    )
