from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class PreferencesForm(forms.Form):
    """Two boxes per kind: in the app, and by e-mail."""

    def __init__(self, *args: Any, initial_choices: dict[str, tuple[bool, bool]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kinds = []
        for kind, label in Kind.choices:
            in_app, by_email = initial_choices[kind]
            self.fields[f"{kind}__app"] = forms.BooleanField(
                label=_("%(kind)s: in the app") % {"kind": label}, required=False, initial=in_app
            )
            self.fields[f"{kind}__email"] = forms.BooleanField(
                label=_("%(kind)s: by e-mail") % {"kind": label}, required=False, initial=by_email
            )
            self.kinds.append((label, self[f"{kind}__app"], self[f"{kind}__email"]))

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            kind: (self.cleaned_data[f"{kind}__app"], self.cleaned_data[f"{kind}__email"])
            for kind in Kind.values
        }
