"""What a person is told when someone else acted on the same case first.

Viewflow answers a task that moved on (completed, cancelled, taken by a colleague) while the page
was open with a 403, as if the person had no right to it, and a process lock that stays busy past
its retries with a 500. Both are conflicts, not faults: here they answer 409 with a page that says
what happened, and a task form that was sent is shown back, so that nothing typed is lost.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from lk3_flow.models import Case
from permissions.selectors import may_act_on_task

from .forms import PersonConcernedForm

TEMPLATE = "flows/conflict.html"


def _person(user: AbstractBaseUser | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def _moment(when: Any) -> str:
    return dateformat.format(timezone.localtime(when), "j F Y H:i") if when else "—"


def what_happened(task: Task, user: AbstractBaseUser, action: str) -> str | None:
    """Why the task no longer allows `action` by this user, when the reason is someone else's act.

    None when the refusal is about the user: a person who may not act on this step is refused
    as before, without learning more than their right to it.
    """
    if not may_act_on_task(user, task):
        return None
    if task.status == STATUS.DONE:
        return _("This task was completed by %(person)s on %(time)s.") % {
            "person": _person(task.owner),
            "time": _moment(task.finished),
        }
    if task.status == STATUS.CANCELED:
        return _("This task was cancelled on %(time)s, when the case was withdrawn.") % {
            "time": _moment(task.finished)
        }
    if action == "assign" and task.owner_id is not None:
        if task.owner_id == user.pk:
            return _("This task is already assigned to you.")
        return _("This task was taken by %(person)s.") % {"person": _person(task.owner)}
    if action in ("execute", "unassign") and task.owner_id != user.pk:
        if task.owner_id is None:
            return _("This task is no longer assigned to you.")
        return _("This task is now assigned to %(person)s.") % {"person": _person(task.owner)}
    return None


def typed_values(request: HttpRequest, node: Any, case: Case | None) -> list[tuple[str, str]]:
    """The step's form as the person filled it in, as (label, text) pairs to show back."""
    form_class = getattr(getattr(node.view, "view_class", None), "form_class", None)
    if request.method != "POST" or form_class is None:
        return []
    # A form offering the case's household names the member chosen only when it has the case.
    about_case = {"case": case} if issubclass(form_class, PersonConcernedForm) else {}
    form = form_class(data=request.POST, **about_case)
    rows = []
    for field in form:
        value = field.value()
        if value in (None, "", []):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        choices = getattr(field.field, "choices", None)
        if choices is not None:
            labels = {str(getattr(key, "value", key)): label for key, label in choices}
            values = [labels.get(str(item), item) for item in values]
        rows.append((str(field.label), ", ".join(str(item) for item in values)))
    return rows


def _case_of(process_id: int) -> Case | None:
    return Case.objects.filter(process_id=process_id).first()


def conflict_response(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    case: Case | None,
    typed: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    return TemplateResponse(
        request,
        TEMPLATE,
        {"title": title, "message": message, "case": case, "typed": typed or []},
        status=409,
    )


def busy_response(request: HttpRequest, case: Case | None, typed: list | None = None) -> Any:
    return conflict_response(
        request,
        title=_("The case is busy"),
        message=_(
            "Someone else is saving this case right now, so nothing was saved. "
            "Try again in a moment."
        ),
        case=case,
        typed=typed,
    )


def told_what_happened(
    view: Callable[..., HttpResponse], node: Any, action: str
) -> Callable[..., HttpResponse]:
    """Wrap viewflow's task view: a conflict answers 409 with what happened; the rest is as before.

    The task is read again after viewflow's refusal, once its transaction and lock are gone, so
    the page reports the state the winner committed.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except FlowLockFailed:
            case = _case_of(kwargs["process_pk"])
            return busy_response(request, case, typed_values(request, node, case))
        except PermissionDenied:
            task = Task.objects.select_related("owner").filter(pk=kwargs["task_pk"]).first()
            message = task and what_happened(task, request.user, action)
            if not message:
                raise
            case = _case_of(task.process_id)
            return conflict_response(
                request,
                title=str(node.task_title),
                message=message,
                case=case,
                typed=typed_values(request, node, case),
            )

    return wrapped


def explained(pattern: URLPattern | None, node: Any, action: str) -> URLPattern | None:
    """The task URL `pattern`, its view wrapped by `told_what_happened`."""
    if pattern is not None:
        pattern.callback = told_what_happened(pattern.callback, node, action)
    return pattern


class ProcessBusyMiddleware:
    """A process lock still held after viewflow's retries, on any page: 409 and what to do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not isinstance(exception, FlowLockFailed):
            return None
        return busy_response(request, None)
