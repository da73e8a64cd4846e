"""Forms of case plans. They validate input; `services` records it."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lk3_flow.choices import Service
from lk3_flow.fields import NOTE_LENGTH, BoundedDateFormField
from lk3_flow.models import Case

from . import selectors
from .models import GOAL_LENGTH, MAX_GOALS, REVIEW_NOTE_LENGTH, REVIEW_STATUSES, Goal
from .services import GoalData, ProposedGoal, ReviewData

# Rows a goals form offers beyond the goals it holds, so that a few can be added at once.
FREE_ROWS = 2
# Rows a goals form offers at least: an assessment usually sets three or four goals.
MIN_ROWS = 4


def _person_label(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class GoalForm(forms.Form):
    """One goal: what is aimed at, which services serve it, who answers for it, by when."""

    description = forms.CharField(
        label=_("Goal"),
        max_length=GOAL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The rows are drawn by the plan's own table, not by the Material renderer, so plain
    # checkboxes work here.
    services = forms.MultipleChoiceField(
        label=_("Services"),
        choices=Service.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one service.")},
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible"),
        queryset=selectors.responsible_candidates(),
        error_messages={
            "invalid_choice": _("Choose an active counselor or head."),
        },
    )
    target_date = BoundedDateFormField(label=_("Target date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].label_from_instance = _person_label

    def has_changed(self) -> bool:
        """Whether the row holds a goal: a blank row is left out, a pre-filled one is kept even
        when nobody touched it (the person responsible is pre-filled on every row)."""
        return any(
            self[name].data not in (None, "", [])
            for name in ("description", "services", "target_date")
        )

    def goal_data(self) -> GoalData:
        cleaned = self.cleaned_data
        return GoalData(
            description=cleaned["description"],
            services=cleaned["services"],
            responsible=cleaned["responsible"],
            target_date=cleaned["target_date"],
        )


class BaseGoalFormSet(forms.BaseFormSet):
    """The goals of an assessment: one to ten, blank rows left out."""

    limit = MAX_GOALS

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        self.case = case
        super().__init__(*args, **kwargs)
        self.extra = max(MIN_ROWS - len(self.initial or []), FREE_ROWS)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # A new row names the case's counselor as responsible until someone else is chosen;
        # the rows of goals already written get their own values instead (`initial`).
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= len(self.initial or []):
            kwargs["initial"] = {"responsible": self.case.counselor_id}
        return kwargs

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        # Any row may be left blank, a pre-filled one too (to drop a returned goal); `clean`
        # asks for one goal at least.
        return super()._construct_form(i, **{**kwargs, "empty_permitted": True})

    def clean(self) -> None:
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("The plan needs at least one goal."))

    def goals(self) -> list[GoalData]:
        """The goals written, in their order (after `is_valid`)."""
        return [form.goal_data() for form in self.forms if form.has_changed()]


GoalFormSet = forms.formset_factory(
    GoalForm,
    formset=BaseGoalFormSet,
    min_num=1,
    max_num=MAX_GOALS,
    absolute_max=MAX_GOALS,
    validate_min=True,
    validate_max=True,
)


def goal_initial(goals: list[Goal]) -> list[dict[str, Any]]:
    """Goals as a form's rows, to revise them rather than retype them."""
    return [
        {
            "description": goal.description,
            "services": goal.services,
            "responsible": goal.responsible_id,
            "target_date": goal.target_date,
        }
        for goal in goals
    ]


class GoalReviewForm(forms.Form):
    """One open goal's status at this step, and what changed."""

    goal_id = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(status.value, status.label) for status in REVIEW_STATUSES],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=REVIEW_NOTE_LENGTH,
        required=False,
        widget=forms.TextInput,
    )

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal = goal

    def clean_goal_id(self) -> int:
        if self.cleaned_data["goal_id"] != self.goal.pk:
            raise forms.ValidationError(
                _("The plan changed since this page was opened: review its goals again.")
            )
        return self.cleaned_data["goal_id"]


class BaseGoalReviewFormSet(forms.BaseFormSet):
    """One row per open goal of the plan, in the plan's order; all of them reviewed."""

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        self.goals = goals
        kwargs["initial"] = [{"goal_id": goal.pk, "status": goal.status} for goal in goals]
        super().__init__(*args, **kwargs)
        self.max_num = self.absolute_max = len(goals)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.goals):
            kwargs["goal"] = self.goals[index]
        return kwargs

    def clean(self) -> None:
        super().clean()
        if self.total_form_count() != len(self.goals):
            raise forms.ValidationError(
                _("The plan changed since this page was opened: review its goals again.")
            )

    def reviews(self) -> list[ReviewData]:
        """The reviews to record (after `is_valid`)."""
        return [
            ReviewData(
                goal=form.goal, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
            for form in self.forms
        ]


GoalReviewFormSet = forms.formset_factory(GoalReviewForm, formset=BaseGoalReviewFormSet, extra=0)


class PlanGoalForm(GoalForm):
    """A goal of the plan as a change proposes it: an approved goal (`goal`) edited or dropped,
    or a new goal."""

    # Which goal of the plan the row was shown for: a plan changed since refuses the form.
    goal_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    drop = forms.BooleanField(label=_("Drop this goal"), required=False)
    drop_reason = forms.CharField(
        label=_("Reason for dropping"),
        max_length=NOTE_LENGTH,
        required=False,
        widget=forms.TextInput,
    )

    def __init__(self, *args: Any, goal: Goal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal = goal
        if goal is not None:
            self.empty_permitted = False
        if self.drop_requested():
            # A goal being dropped keeps its content as it is: only the reason is read.
            for name in ("description", "services", "responsible", "target_date"):
                self.fields[name].required = False

    def drop_requested(self) -> bool:
        return (
            self.goal is not None
            and self.is_bound
            and self.fields["drop"].widget.value_from_datadict(
                self.data, self.files, self.add_prefix("drop")
            )
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("goal_id") != (self.goal.pk if self.goal else None):
            raise forms.ValidationError(
                _("The plan changed since this page was opened: review its goals again.")
            )
        if cleaned.get("drop") and self.goal is None:
            self.add_error("drop", _("Only a goal of the plan can be dropped."))
        if cleaned.get("drop") and not cleaned.get("drop_reason", "").strip():
            self.add_error("drop_reason", _("Write why the goal is dropped."))
        return cleaned

    def proposed(self) -> ProposedGoal:
        cleaned = self.cleaned_data
        if cleaned.get("drop"):
            goal = self.goal
            data = GoalData(goal.description, goal.services, goal.responsible, goal.target_date)
            return ProposedGoal(data=data, goal=goal, drop=True, drop_reason=cleaned["drop_reason"])
        return ProposedGoal(data=self.goal_data(), goal=self.goal)


class BasePlanChangeFormSet(forms.BaseFormSet):
    """The open goals of the plan, each to keep, edit or drop, and free rows for new goals."""

    limit = MAX_GOALS

    def __init__(self, *args: Any, goals: list[Goal], case: Case, **kwargs: Any) -> None:
        self.goals = goals
        self.case = case
        kwargs["initial"] = [
            {**row, "goal_id": goal.pk}
            for row, goal in zip(goal_initial(goals), goals, strict=True)
        ]
        super().__init__(*args, **kwargs)
        self.absolute_max = self.max_num = len(goals) + MAX_GOALS

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.goals):
            kwargs["goal"] = self.goals[index]
        else:
            kwargs["initial"] = {"responsible": self.case.counselor_id}
        return kwargs

    def clean(self) -> None:
        super().clean()
        if self.initial_form_count() != len(self.goals):
            raise forms.ValidationError(
                _("The plan changed since this page was opened: review its goals again.")
            )

    def proposed(self) -> list[ProposedGoal]:
        return [
            form.proposed()
            for form in self.forms
            if form.goal is not None or (form.has_changed() and form.cleaned_data)
        ]


PlanChangeFormSet = forms.formset_factory(
    PlanGoalForm, formset=BasePlanChangeFormSet, extra=FREE_ROWS
)


class PlanChangeReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanDecisionForm(forms.Form):
    """A head's decision on a plan change: approve, or return it with a reason."""

    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return to the counselor"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LENGTH,
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
