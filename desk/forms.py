"""Forms of services without a case file and of outreach events. They validate input;
`services` records it."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lk3_flow.choices import ProblemCategory
from lk3_flow.fields import LocalDateTimeFormField, NativeSelect
from permissions.roles import COUNSELOR, HEAD, INTAKE_OFFICER
from regions.forms import VillageChoiceField
from regions.selectors import office_districts, office_villages

from .choices import Channel, DeskServiceKind, RequesterKind
from .models import DeskService, OutreachEvent


def district_choice() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("District"), queryset=office_districts(), required=False, widget=NativeSelect
    )


def village_choice() -> VillageChoiceField:
    # The browser narrows the villages to those of the district chosen (lk3.js).
    return VillageChoiceField(
        label=_("Village"),
        queryset=office_villages(),
        required=False,
        widget=NativeSelect(attrs={"data-lk3-within": "kecamatan"}),
    )


class DeskServiceForm(forms.ModelForm):
    """One short form, filled in while the person is still on the phone: what is usual is
    chosen already (a consultation, by phone, from a person, now)."""

    occurred_at = LocalDateTimeFormField(label=_("Date and time"))
    problem_categories = forms.MultipleChoiceField(
        label=_("Problem categories"),
        choices=ProblemCategory.choices,
        widget=forms.SelectMultiple,
        required=False,
    )
    kecamatan = district_choice()
    desa = village_choice()

    class Meta:
        model = DeskService
        fields = [
            "service",
            "occurred_at",
            "channel",
            "requester_kind",
            "requester_name",
            "head_count",
            "sex",
            "age_group",
            "phone",
            "kecamatan",
            "desa",
            "problem_categories",
            "topic",
            "answer",
        ]
        widgets = {"answer": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].initial = DeskServiceKind.CONSULTATION
        self.fields["channel"].initial = Channel.PHONE
        self.fields["requester_kind"].initial = RequesterKind.INDIVIDUAL
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


def outreach_officers(event: OutreachEvent | None = None) -> QuerySet:
    """The staff who go out (active intake officers, counselors and heads), and whoever the
    event already names."""
    roles = [INTAKE_OFFICER.group_name, COUNSELOR.group_name, HEAD.group_name]
    people = get_user_model().objects.filter(is_active=True, groups__name__in=roles)
    if event is not None and event.pk:
        people = people | get_user_model().objects.filter(pk__in=event.officers.all())
    return people.distinct().order_by("first_name", "last_name", "username")


def _officer_label(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class OutreachEventForm(forms.ModelForm):
    kecamatan = district_choice()
    desa = village_choice()
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers"), queryset=get_user_model().objects.none(), widget=forms.SelectMultiple
    )

    class Meta:
        model = OutreachEvent
        fields = [
            "kind",
            "held_on",
            "place",
            "kecamatan",
            "desa",
            "audience_kind",
            "audience_description",
            "men",
            "women",
            "topic",
            "materials",
            "officers",
            "notes",
        ]
        widgets = {
            "materials": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = outreach_officers(self.instance)
        self.fields["officers"].label_from_instance = _officer_label
        if not self.instance.pk:
            self.fields["held_on"].initial = timezone.localdate()
