"""Forms of the service activities within a case: preparations, reports and proposals."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lk3_flow.fields import LocalDateTimeFormField
from lk3_flow.models import Accompaniment, Consultation, HomeVisit, Protection

from .forms import NextStepForm, PersonConcernedForm, next_step_field, person_concerned_field

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PrepareHomeVisitForm(PersonConcernedForm, forms.ModelForm):
    person_concerned = person_concerned_field()

    class Meta:
        model = HomeVisit
        fields = ["person_concerned", "planned_on", "place", "purpose"]
        widgets = {"purpose": TEXTAREA}


class HomeVisitReportForm(NextStepForm, forms.ModelForm):
    next_step = next_step_field()

    class Meta:
        model = HomeVisit
        fields = ["visited_on", "persons_met", "findings", "next_step"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].required = True
        self.fields["persons_met"].required = True
        self.fields["findings"].required = True


class PrepareAccompanimentForm(PersonConcernedForm, forms.ModelForm):
    person_concerned = person_concerned_field()

    class Meta:
        model = Accompaniment
        fields = [
            "person_concerned",
            "institution_kind",
            "institution_name",
            "planned_on",
            "purpose",
        ]
        widgets = {"purpose": TEXTAREA}


class AccompanimentReportForm(NextStepForm, forms.ModelForm):
    next_step = next_step_field()

    class Meta:
        model = Accompaniment
        fields = ["accompanied_on", "outcome", "next_step"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accompanied_on"].required = True
        self.fields["outcome"].required = True


class ProposeProtectionForm(PersonConcernedForm, forms.ModelForm):
    person_concerned = person_concerned_field()

    class Meta:
        model = Protection
        fields = [
            "person_concerned",
            "placement",
            "institution_name",
            "institution_address",
            "starts_on",
            "planned_end_on",
            "reason",
        ]
        widgets = {"reason": TEXTAREA}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("planned_end_on")
        if starts and ends and ends < starts:
            self.add_error("planned_end_on", _("The placement cannot end before it starts."))
        return cleaned


class EndProtectionForm(NextStepForm, forms.ModelForm):
    next_step = next_step_field()

    class Meta:
        model = Protection
        fields = ["ended_on", "outcome", "next_step"]
        widgets = {"outcome": TEXTAREA}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True
        self.fields["outcome"].required = True


class ConsultationForm(NextStepForm, PersonConcernedForm, forms.ModelForm):
    person_concerned = person_concerned_field()
    next_step = next_step_field()

    class Meta:
        model = Consultation
        fields = ["person_concerned", "kind", "held_at", "channel", "topic", "given", "next_step"]
        field_classes = {"held_at": LocalDateTimeFormField}
        widgets = {"given": forms.Textarea(attrs={"rows": 5})}
