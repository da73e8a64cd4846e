"""Pages of the process's tasks.

Viewflow wraps each of them: it checks that the user may execute the task, takes the process lock
and opens the transaction. The view validates the form, calls one domain service, and completes
the task; a service that refuses the input rolls its savepoint back and the form shows why.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from viewflow.workflow.flow.views import mixins as flow_mixins

from audit import services as audit
from audit.models import Action
from desk import selectors as desk_selectors
from desk import services as desk_services
from letters.selectors import letters_readable_by
from lk3_flow import selectors, services
from lk3_flow.choices import Service
from lk3_flow.models import Case
from permissions.roles import HEAD
from permissions.selectors import users_with_role
from plans import forms as plan_forms
from plans import selectors as plan_selectors
from plans import services as plan_services

from . import forms
from .steps import completing, keep_for_the_flow, register_in_activation


class CaseTaskView(
    flow_mixins.TaskViewTemplateNames,
    generic.FormView,
):
    """A task on one case: shows the case beside the form, records the step, completes the task."""

    template_filename = "task.html"
    success_message = gettext_lazy("The task has been completed.")
    submit_label = gettext_lazy("Save")

    @property
    def case(self) -> Case:
        return self.request.activation.process.case

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        task = self.request.activation.task
        context["case"] = self.case
        context["returned"] = selectors.returned_to_counselor(self.case, task.data or {})
        context["submit_label"] = self.submit_label
        return context

    def record(self, form: Any) -> object:
        """The domain write of this task, returning what it recorded; subclasses define it.

        What it returns is handed to the automatic steps that follow (`keep_for_the_flow`): the
        letters and the choice of the next step read it there.
        """
        raise TypeError(f"{type(self).__name__} must define record()")

    def record_alongside(self, form: Any) -> None:
        """What a mixin records with the step, after `record` and in the same savepoint and
        audit event (e.g. `GoalReviewMixin`'s reviews); nothing by default. A hook apart from
        `record`, which each task view defines for itself and would hide a mixin's."""

    def form_valid(self, form: Any) -> HttpResponse:
        activation = self.request.activation
        try:
            # The step and all it sets off are one savepoint and one audit event: a refusal
            # anywhere leaves the case, its tasks and its letters as they were.
            with transaction.atomic(), completing(activation.task, case_id=self.case.pk):
                if activation.task.owner_id is None:
                    # A head deciding straight from the queue takes the task here, so that a
                    # refusal below puts it back in the queue with everything else.
                    activation.assign(self.request.user)
                    activation.start(self.request)
                recorded = self.record(form)
                self.record_alongside(form)
                keep_for_the_flow(activation.process, recorded)
                activation.execute()
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        return reverse("cases:detail", args=[self.case.pk])


class DecisionPageMixin:
    """A head's decision page shows the file the decision rests on: the case's records, its
    sessions and letters, and what was returned before."""

    template_filename = "decision.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        case = selectors.case_with_records(self.case.pk)
        context.update(
            file=case,
            history=selectors.service_history(case),
            earlier_returns=selectors.returns_of(case),
            letters=letters_readable_by(self.request.user, case).order_by("issued_on", "pk"),
        )
        return context


class IntakeView(generic.TemplateView):
    """Registration of a client and a new case, with the household and a duplicate check."""

    template_name = "flows/intake.html"

    @property
    def desk_service_id(self) -> str | None:
        """The consultation this registration makes into a case, as the query names it."""
        return self.request.GET.get(desk_selectors.CONVERT_PARAMETER)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if "client_form" not in context:
            # A consultation made into a case starts the registration from what it recorded.
            start = desk_selectors.intake_start_for(self.request.user, self.desk_service_id)
            if start is None:
                raise Http404
            context["client_form"] = forms.ClientForm(prefix="client", initial=start.client)
            context["case_form"] = forms.IntakeForm(prefix="case", initial=start.case)
        context.setdefault("members", forms.HouseholdMemberFormSet(prefix="members"))
        return context

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        client_form = forms.ClientForm(request.POST, prefix="client")
        case_form = forms.IntakeForm(request.POST, prefix="case")
        members = forms.HouseholdMemberFormSet(request.POST, prefix="members")
        context = {"client_form": client_form, "case_form": case_form, "members": members}
        if not (client_form.is_valid() and case_form.is_valid() and members.is_valid()):
            return self.render_to_response(self.get_context_data(**context))
        duplicates = services.check_duplicate_clients(
            actor=request.user,
            nik=client_form.cleaned_data["nik"],
            full_name=client_form.cleaned_data["full_name"],
            birth_date=client_form.cleaned_data["birth_date"],
        )
        existing_client = None
        if duplicates.found:
            # Unbound (no error yet) until the officer has seen the clients found.
            same_client = forms.SameClientForm(
                request.POST if "case-same_client" in request.POST else None,
                prefix="case",
                candidates=duplicates.named,
                new_allowed=not duplicates.same_nik,
            )
            if not same_client.is_valid():
                context.update(
                    duplicates=duplicates,
                    same_client_form=same_client,
                    whom_to_ask=users_with_role(HEAD),
                )
                return self.render_to_response(self.get_context_data(**context))
            existing_client = same_client.chosen_client
        # A client on record keeps the data and household recorded for them.
        registration = services.Registration(
            client_data=client_form.cleaned_data if existing_client is None else {},
            case_data=case_form.cleaned_data,
            members=[
                member.cleaned_data
                for member in members.forms
                if member.has_changed() and member.cleaned_data and existing_client is None
            ],
            existing_client=existing_client,
        )
        try:
            with transaction.atomic(), audit.action(Action.CASE_CREATED):
                case = register_in_activation(
                    request.activation, actor=request.user, registration=registration
                )
                if self.desk_service_id is not None:
                    desk_services.link_to_case(
                        actor=request.user,
                        desk_service_id=desk_selectors.desk_service_id_from(self.desk_service_id),
                        case=case,
                    )
        except ValidationError as error:
            case_form.add_error(None, error)
            return self.render_to_response(self.get_context_data(**context))
        messages.success(
            request, _("Case %(number)s has been registered.") % {"number": case.number}
        )
        if existing_client is not None:
            messages.info(
                request,
                _(
                    "The case was registered for the client already on record; their data as "
                    "recorded were kept. Differences are corrected from the case page."
                ),
            )
        return HttpResponseRedirect(reverse("cases:detail", args=[case.pk]))


class AssignCounselorView(DecisionPageMixin, CaseTaskView):
    form_class = forms.AssignCounselorForm
    submit_label = gettext_lazy("Assign the counselor")

    def record(self, form: forms.AssignCounselorForm) -> None:
        services.assign_counselor(
            case=self.case, counselor=form.cleaned_data["counselor"], actor=self.request.user
        )


class FormsetsMixin:
    """A task page whose form comes with formsets, validated with it and shown beside it.

    Put before `CaseTaskView` in the bases. A subclass adds its formsets in `formsets()` (calling
    super), builds them bound to the POST when there is one, and records them in `record()`,
    which runs inside the step's savepoint and audit event.
    """

    def formsets(self) -> list[Any]:
        return []

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        # Every form is validated, so that the page shows every error at once.
        valid = [form.is_valid(), *(formset.is_valid() for formset in self.formsets())]
        return self.form_valid(form) if all(valid) else self.form_invalid(form)

    def bound_data(self) -> Any:
        return self.request.POST if self.request.method == "POST" else None


class GoalReviewMixin(FormsetsMixin):
    """The step reviews each open goal of the case's approved plan: its status and a note.

    For any `CaseTaskView` in which a counselor meets the client (a session, a visit): one row
    per open goal, pre-filled with its current status, validated with the step's form, and
    recorded in the step's transaction (`record_alongside`) as `GoalReview` rows tied to the
    step's task, the goals' statuses updated. A case without an approved plan shows nothing
    more. The reviews cost a fixed number of queries however many goals the plan has.
    """

    goal_reviews_prefix = "goal_reviews"

    @cached_property
    def goal_reviews(self) -> plan_forms.BaseGoalReviewFormSet | None:
        goals = list(plan_selectors.open_goals_of(self.case))
        if not goals:
            return None
        return plan_forms.GoalReviewFormSet(
            self.bound_data(), prefix=self.goal_reviews_prefix, goals=goals
        )

    def formsets(self) -> list[Any]:
        reviews = [self.goal_reviews] if self.goal_reviews is not None else []
        return [*super().formsets(), *reviews]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(goal_reviews=self.goal_reviews, **kwargs)

    def record_alongside(self, form: Any) -> None:
        super().record_alongside(form)
        if self.goal_reviews is not None:
            plan_services.review_goals(
                case=self.case,
                reviewer=self.request.user,
                task=self.request.activation.task,
                reviews=self.goal_reviews.reviews(),
            )


class AssessmentView(FormsetsMixin, CaseTaskView):
    """The assessment with its plan's goals (one to ten), saved together."""

    form_class = forms.AssessmentForm

    @cached_property
    def returned(self) -> Any:
        return selectors.returned_assessment(self.case)

    def get_initial(self) -> dict[str, Any]:
        """A returned assessment is revised, not retyped."""
        if self.returned is None:
            return {}
        return {name: getattr(self.returned, name) for name in forms.AssessmentForm.Meta.fields}

    @cached_property
    def plan_goals(self) -> plan_forms.BaseGoalFormSet:
        """The goals, those of a returned assessment pre-filled for revision."""
        initial = plan_forms.goal_initial(plan_selectors.goals_written_in(self.returned))
        return plan_forms.GoalFormSet(
            self.bound_data(), prefix="goals", initial=initial, case=self.case
        )

    def formsets(self) -> list[Any]:
        return [*super().formsets(), self.plan_goals]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(plan_goals=self.plan_goals, **kwargs)

    def record(self, form: forms.AssessmentForm) -> None:
        goals = self.plan_goals.goals()
        # The services planned are those of the goals: one list, kept where letters read it.
        planned = {service for goal in goals for service in goal.services}
        data = {**form.cleaned_data, "planned_services": [s for s in Service if s in planned]}
        assessment = services.record_assessment(case=self.case, author=self.request.user, data=data)
        plan_services.write_goals(case=self.case, assessment=assessment, goals=goals)


class ReviewTaskView(DecisionPageMixin, CaseTaskView):
    """A head's approve-or-return decision on the counselor's latest proposal."""

    form_class = forms.ReviewForm
    submit_label = gettext_lazy("Send the decision")
    review_service: Any = None
    proposal_kind = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        records = {
            "assessment": context["file"].assessments.all(),
            "referral": context["file"].referrals.all(),
            "closure": context["file"].closures.all(),
            "protection": context["file"].protections.all(),
        }[self.proposal_kind]
        context["proposal"] = records[len(records) - 1] if records else None
        context["proposal_kind"] = self.proposal_kind
        return context

    def record(self, form: forms.ReviewForm) -> object:
        return self.review_service(
            case=self.case,
            reviewer=self.request.user,
            approved=form.approved,
            comment=form.cleaned_data["comment"],
        )


class ReviewAssessmentView(ReviewTaskView):
    """Approved, the assessment's goals become the case's plan; returned, they stay with it."""

    review_service = staticmethod(services.review_assessment)
    proposal_kind = "assessment"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["proposal_goals"] = plan_selectors.goals_written_in(context["proposal"])
        return context

    def record(self, form: forms.ReviewForm) -> object:
        assessment = super().record(form)
        if form.approved:
            plan_services.approve_plan(case=self.case, assessment=assessment)
        return assessment


class ReviewReferralView(ReviewTaskView):
    review_service = staticmethod(services.review_referral)
    proposal_kind = "referral"


class ReviewClosureView(ReviewTaskView):
    review_service = staticmethod(services.review_closure)
    proposal_kind = "closure"


class ReviewProtectionView(ReviewTaskView):
    review_service = staticmethod(services.review_protection)
    proposal_kind = "protection"


class PersonConcernedMixin:
    """The task's form offers the members of this case's client's household."""

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "case": self.case}


class NextStepMixin:
    """The task's form offers the next steps of the case plan."""

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "next_steps": plan_selectors.next_steps_offered(self.case),
        }


class CounselingSessionView(NextStepMixin, GoalReviewMixin, PersonConcernedMixin, CaseTaskView):
    form_class = forms.CounselingSessionForm

    def record(self, form: forms.CounselingSessionForm) -> object:
        return services.record_session(
            case=self.case, counselor=self.request.user, data=form.cleaned_data
        )


class ProposeReferralView(PersonConcernedMixin, CaseTaskView):
    form_class = forms.ProposeReferralForm

    def record(self, form: forms.ProposeReferralForm) -> None:
        services.propose_referral(case=self.case, counselor=self.request.user, **form.cleaned_data)


class PartnerResponseView(CaseTaskView):
    form_class = forms.PartnerResponseForm

    def record(self, form: forms.PartnerResponseForm) -> None:
        services.record_partner_response(
            case=self.case, counselor=self.request.user, **form.cleaned_data
        )


class ProposeClosureView(CaseTaskView):
    form_class = forms.ProposeClosureForm

    def record(self, form: forms.ProposeClosureForm) -> None:
        services.propose_closure(
            case=self.case, counselor=self.request.user, data=form.cleaned_data
        )
