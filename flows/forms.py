"""Forms of the process's tasks. They validate input; the services in `lk3_flow` record it."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lk3_flow.choices import NextStep, PartnerResponse, ProblemCategory, Service
from lk3_flow.fields import NOTE_LENGTH, LocalDateTimeFormField, NativeSelect
from lk3_flow.models import (
    Assessment,
    Case,
    Client,
    Closure,
    CounselingSession,
    HouseholdMember,
    Referral,
)
from lk3_flow.nik import check_nik_against_person
from lk3_flow.selectors import active_partners, age_on, household_of
from permissions.selectors import counselors
from regions.forms import VillageChoiceField
from regions.selectors import office_districts, office_villages


def max_length_of(model: type, field_name: str) -> int:
    """The limit a plain form field shares with the model field its text is stored in."""
    return model._meta.get_field(field_name).max_length


# A list of checkboxes would be the natural widget, but viewflow 2.4's front end ships no
# component for it (the field renders empty), so several choices are picked from a select.
def services_field(label: str, required: bool = True) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=Service.choices,
        widget=forms.SelectMultiple,
        required=required,
    )


class ClientForm(forms.ModelForm):
    kecamatan = forms.ModelChoiceField(
        label=_("District"), queryset=office_districts(), required=False, widget=NativeSelect
    )
    # The browser narrows the villages to those of the district chosen (lk3.js).
    desa = VillageChoiceField(
        label=_("Village"),
        queryset=office_villages(),
        required=False,
        widget=NativeSelect(attrs={"data-lk3-within": "kecamatan"}),
    )

    class Meta:
        model = Client
        fields = [
            "kind",
            "full_name",
            "nik",
            "family_card_number",
            "sex",
            "birth_date",
            "address",
            "kecamatan",
            "desa",
            "phone",
            "email",
        ]
        help_texts = {
            "nik": _("Leave empty if the client has no NIK or has not brought it."),
            "family_card_number": _("The 16-digit number of the household's family card (KK)."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        village, district = cleaned.get("desa"), cleaned.get("kecamatan")
        if village is not None and district is None:
            cleaned["kecamatan"] = village.district
        elif village is not None and village.district_id != district.pk:
            self.add_error(
                "desa",
                _("%(village)s is not in the district of %(district)s.")
                % {"village": village.name, "district": district.name},
            )
        check_nik_of_person(self, cleaned)
        return cleaned


class IntakeForm(forms.ModelForm):
    problem_categories = forms.MultipleChoiceField(
        label=_("Problem categories"),
        choices=ProblemCategory.choices,
        widget=forms.SelectMultiple,
    )
    services = services_field(_("Services needed"))
    consent_given = forms.BooleanField(
        label=_("The client has signed the Service Consent Statement"),
        error_messages={"required": _("Services can only be given with the client's consent.")},
    )

    class Meta:
        model = Case
        fields = [
            "problem_categories",
            "services",
            "channel",
            "priority",
            "sensitive",
            "complaint",
            "consent_given",
            "consent_date",
            "consent_share_with_partners",
        ]
        widgets = {"complaint": forms.Textarea(attrs={"rows": 4})}


class SameClientForm(forms.Form):
    """Whether the person at the desk is one of the registered clients the check found.

    Offered only the clients the officer was shown, so a forged id attaches nothing; "a new
    client" is not offered when a client has the NIK given, since a NIK is one person's.
    """

    NEW = "new"

    same_client = forms.ChoiceField(
        label=_("Is the person one of these clients?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the clients found, or a new client."),
            "invalid_choice": _("Choose one of the clients found, or a new client."),
        },
    )

    def __init__(self, *args: Any, candidates: list[Client], new_allowed: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.candidates = {str(client.pk): client for client in candidates}
        choices = [(pk, _client_label(client)) for pk, client in self.candidates.items()]
        if new_allowed:
            choices.append((self.NEW, _("No, this is a new client")))
        self.fields["same_client"].choices = choices

    @property
    def chosen_client(self) -> Client | None:
        """The registered client chosen, or None for a new one (after `is_valid`)."""
        return self.candidates.get(self.cleaned_data["same_client"])


def _client_label(client: Client) -> str:
    parts = [client.full_name]
    if client.birth_date:
        parts.append(date_format(client.birth_date, "j F Y"))
    if client.kecamatan:
        parts.append(str(client.kecamatan))
    parts.append(_("client number %(number)s") % {"number": client})
    return ", ".join(parts)


def check_nik_of_person(form: forms.BaseForm, cleaned: dict[str, Any]) -> None:
    """Add an error to the form's NIK for each way it contradicts the sex and birth date."""
    nik = cleaned.get("nik")
    if nik and "nik" not in form.errors:
        for problem in check_nik_against_person(
            nik, cleaned.get("sex", ""), cleaned.get("birth_date")
        ):
            form.add_error("nik", problem)


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["full_name", "relationship", "relationship_note", "nik", "sex", "birth_date"]
        help_texts = {"relationship_note": _("e.g. stepchild, nephew")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        check_nik_of_person(self, cleaned)
        return cleaned


class DistinctNiksMixin:
    """A household in which no two members have the same NIK: the second one is marked."""

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            cleaned = getattr(form, "cleaned_data", {})
            nik = cleaned.get("nik")
            if not nik or cleaned.get("DELETE"):
                continue
            if nik in seen:
                form.add_error("nik", _("Another household member has this NIK."))
            seen.add(nik)


class HouseholdFormSet(DistinctNiksMixin, forms.BaseFormSet):
    pass


class HouseholdEditBaseFormSet(DistinctNiksMixin, forms.BaseModelFormSet):
    pass


HouseholdMemberFormSet = forms.formset_factory(
    HouseholdMemberForm, formset=HouseholdFormSet, extra=4
)
# The household as a correction shows it: each member with a box to remove them, and two rows
# for new ones.
HouseholdEditFormSet = forms.modelformset_factory(
    HouseholdMember,
    form=HouseholdMemberForm,
    formset=HouseholdEditBaseFormSet,
    extra=2,
    can_delete=True,
)


def member_label(member: HouseholdMember) -> str:
    """A member as a counselor picks them: name, relationship and age today."""
    parts = [member.full_name, str(member.get_relationship_display())]
    if member.birth_date:
        years = age_on(member.birth_date, timezone.localdate())
        parts.append(_("%(years)s years") % {"years": years})
    return " · ".join(parts)


class PersonConcernedForm(forms.BaseForm):
    """A task form whose record can be about one member of the client's household.

    Only that client's members are offered and accepted: an id of another client's member is
    "not one of the choices", with the message below. Without a case (a page that could not
    find it) no member is.
    """

    def __init__(self, *args: Any, case: Case | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person_concerned"]
        field.label_from_instance = member_label
        field.error_messages["invalid_choice"] = _(
            "Choose the client or a member of the client's household."
        )
        if case is not None:
            field.queryset = household_of(case)
            field.empty_label = _("The client: %(name)s") % {"name": case.client.full_name}


def person_concerned_field() -> forms.ModelChoiceField:
    # The browser's own select: viewflow's Material menu shows the empty choice, which here is
    # the client, as a blank line.
    return forms.ModelChoiceField(
        label=_("Person concerned"),
        queryset=HouseholdMember.objects.none(),
        required=False,
        widget=NativeSelect,
        help_text=_("Whom this is about: the client, or a member of their household."),
    )


class AssignCounselorForm(forms.Form):
    counselor = forms.ModelChoiceField(label=_("Counselor"), queryset=counselors())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].label_from_instance = _counselor_label


def _counselor_label(user: Any) -> str:
    profile = getattr(user, "lk3_profile", None)
    name = user.get_full_name() or user.get_username()
    return f"{name} — {profile.position}" if profile and profile.position else name


class AssessmentForm(forms.ModelForm):
    """The assessment's sections; its goals are a table of their own (`plans.forms.GoalFormSet`),
    and the services planned are theirs."""

    class Meta:
        model = Assessment
        fields = [
            "presenting_problem",
            "family_situation",
            "strengths",
            "risks",
            "needs",
            "goals",
        ]
        labels = {"goals": _("Intervention approach")}
        help_texts = {
            "goals": _("Optional: the approach in a few words. Each goal is written below.")
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in [
                "presenting_problem",
                "family_situation",
                "strengths",
                "risks",
                "needs",
                "goals",
            ]
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].required = False


class ReviewForm(forms.Form):
    """The head's decision on a proposal: approve, or return it with a reason."""

    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return to the counselor"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=max_length_of(Assessment, "review_comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: what must be corrected."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error(
                "comment",
                _("Write the reason for returning it so that the counselor can correct it."),
            )
        return cleaned

    @property
    def approved(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


def next_step_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Next step"),
        choices=NextStep.choices,
        initial=NextStep.ANOTHER_SESSION,
        widget=forms.RadioSelect,
    )


class NextStepForm(forms.BaseForm):
    """A report after which the counselor chooses the next service, among those `next_steps`
    offers (the case plan's, `flows.selectors.next_steps_offered`); a step it does not offer is
    "not one of the choices"."""

    def __init__(self, *args: Any, next_steps: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if next_steps is not None:
            field = self.fields["next_step"]
            field.choices = [
                (value, label) for value, label in field.choices if value in next_steps
            ]
            if field.initial not in next_steps:
                field.initial = next_steps[0] if next_steps else None


class CounselingSessionForm(NextStepForm, PersonConcernedForm, forms.ModelForm):
    person_concerned = person_concerned_field()
    next_step = next_step_field()

    class Meta:
        model = CounselingSession
        fields = [
            "person_concerned",
            "scheduled_at",
            "held_at",
            "session_type",
            "duration_minutes",
            "notes",
            "progress",
            "next_step",
            "next_session_at",
        ]
        field_classes = {
            "scheduled_at": LocalDateTimeFormField,
            "held_at": LocalDateTimeFormField,
            "next_session_at": LocalDateTimeFormField,
        }
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 4}),
            "progress": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        scheduled, held = cleaned.get("scheduled_at"), cleaned.get("held_at")
        if scheduled and held and held < scheduled:
            self.add_error("held_at", _("The time held cannot be before the scheduled time."))
        next_session = cleaned.get("next_session_at")
        if next_session and cleaned.get("next_step") != NextStep.ANOTHER_SESSION:
            self.add_error(
                "next_session_at", _("A next session is scheduled only when counseling goes on.")
            )
        if next_session and next_session <= (held or scheduled or next_session):
            self.add_error("next_session_at", _("The next session must come after this one."))
        return cleaned


class ProposeReferralForm(PersonConcernedForm, forms.Form):
    person_concerned = person_concerned_field()
    partner = forms.ModelChoiceField(label=_("Referral partner"), queryset=active_partners())
    reason = forms.CharField(
        label=_("Reason for referral"),
        max_length=max_length_of(Referral, "reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    services_requested = services_field(_("Services requested from the partner"))


class PartnerResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Partner's response"), choices=PartnerResponse.choices, widget=forms.RadioSelect
    )
    feedback = forms.CharField(
        label=_("Feedback from the partner"),
        max_length=max_length_of(Referral, "partner_response"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProposeClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["reason", "summary", "follow_up_plan"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "follow_up_plan": forms.Textarea(attrs={"rows": 3}),
        }


class ReasonForm(forms.Form):
    """A reason for a case-level action, confirmed explicitly because it cannot be undone."""

    # Stored as a withdrawal reason, a counselor change's reason, a letter's revocation reason or
    # a reopened case's complaint: all hold at least a note.
    reason = forms.CharField(
        label=_("Reason"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("I am sure and understand that this action cannot be undone"),
        error_messages={"required": _("Tick the confirmation to continue.")},
    )


class MergeChoiceForm(forms.Form):
    """Which record is the same person as the case's client: a similar one found, or any case's.

    The records that will move are shown for the choice before the merge can be confirmed:
    `reviewed` carries the record the page showed them for.
    """

    other = forms.ChoiceField(
        label=_("Similar clients found"), widget=forms.RadioSelect, required=False
    )
    case_number = forms.CharField(
        label=_("Or the number of a case of the other record"),
        max_length=max_length_of(Case, "number"),
        required=False,
    )
    reviewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        candidates: list[Client],
        find_by_case_number: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(client.pk): client for client in candidates}
        self.fields["other"].choices = [
            (pk, _client_label(client)) for pk, client in self.candidates.items()
        ]
        self.find_by_case_number = find_by_case_number
        self.other_client: Client | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        number = cleaned.get("case_number", "").strip()
        if cleaned.get("other"):
            self.other_client = self.candidates[cleaned["other"]]
        elif number:
            self.other_client = self.find_by_case_number(number)
            if self.other_client is None:
                self.add_error("case_number", _("No case with this number can be merged."))
        else:
            raise forms.ValidationError(_("Choose the other record of this client."))
        return cleaned

    @property
    def reviewed_choice(self) -> bool:
        """Whether the records that would move were shown for this very choice."""
        return self.other_client is not None and self.cleaned_data.get("reviewed") == str(
            self.other_client.pk
        )


class ReassignForm(ReasonForm):
    counselor = forms.ModelChoiceField(label=_("New counselor"), queryset=counselors())
    field_order = ["counselor", "reason", "confirm"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].label_from_instance = _counselor_label


class HandOverForm(ReasonForm):
    """Who takes over everything a deactivated person still carries."""

    person = forms.ModelChoiceField(label=_("Hand over to"), queryset=None)
    field_order = ["person", "reason", "confirm"]

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates.select_related("lk3_profile")
        self.fields["person"].label_from_instance = _counselor_label
