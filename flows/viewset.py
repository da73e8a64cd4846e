"""Viewflow's process pages, limited to the cases each person may see.

Viewflow filters its lists and process pages only by flow class, so anyone with the model
permission would see every case (upstream issue #505). Here every list is narrowed by
`permissions.selectors.open_process_ids`, and every URL that names a process answers 404
unless that process's case is visible to the user.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.generic import RedirectView
from viewflow.workflow.base import Node
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.models import Task

from flows.filters import QueueFilter, TaskFilter
from flows.selectors import inbox_tasks, queue_tasks, task_rows, tasks_visible_to
from lk3_flow.templatetags.lk3 import person
from permissions.selectors import open_process_ids, process_is_open_to, sees_every_case


class VisibleTasksOnly:
    """Tasks of open case files only, named by their case number rather than by row ids."""

    def get_queryset(self) -> Any:
        tasks = super().get_queryset().select_related("process__case", "owner")
        return tasks_visible_to(self.request.user, tasks)

    def task_id(self, task: Any) -> str:
        url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
        return format_html('<a href="{}">{}</a>', url, task.process.case.number)

    task_id.short_description = _("Case")

    def task_title(self, task: Any) -> str:
        return task.title

    task_title.short_description = _("Task")

    def task_owner(self, task: Any) -> str:
        """The person by name, as colleagues know them, rather than by login name."""
        return person(task.owner) if task.owner_id else ""

    task_owner.short_description = _("Owner")

    # Viewflow's filter panel lists every process of the user's tasks as a choice: thousands
    # of options on a busy desk. Cases are searched on the case list instead.
    filterset_class = None


class VisibleProcessesOnly:
    def get_queryset(self) -> Any:
        processes = super().get_queryset().select_related("case").order_by("-created", "-pk")
        if sees_every_case(self.request.user):
            return processes
        return processes.filter(pk__in=open_process_ids(self.request.user))


def count_once(request: HttpRequest, tasks: Any) -> int:
    """The count of `tasks`, made once per request however often it is asked: the menu's counter
    and a list's pages ask the same of the same tasks (both for those who see every case)."""
    counts = request.__dict__.setdefault("_task_counts", {})
    key = str(tasks.query)
    if key not in counts:
        counts[key] = tasks.count()
    return counts[key]


class MenuCounter:
    """A counter in the flow's menu, which its template reads as `.count`."""

    def __init__(self, request: HttpRequest, tasks: Any) -> None:
        self.request, self.tasks = request, tasks

    def count(self) -> int:
        return count_once(self.request, self.tasks)


# The task filters that leave rows out; the order only sorts them.
NARROWING_FILTERS = ("priority", "stage", "overdue")


class TaskListPage(LoginRequiredMixin, generic.ListView):
    """The inbox or the queue as people scan it: the case, its client (masked by the same rule
    as every list), the task, priority, stage, due date and overdue flag, filtered and sorted by
    them; a card per task on a phone.

    The filters name only choices (never a name or a number), so they may stay in the URL.
    """

    flow_class: Any = None
    viewset: Any = None
    template_name = "flows/task_list.html"
    paginate_by = 25
    title: Any = ""
    empty_text: Any = ""

    def tasks(self) -> Any:
        raise NotImplementedError

    filterset_class: type[TaskFilter] = TaskFilter

    def get_queryset(self) -> Any:
        self.filter = self.filterset_class(
            self.request.GET, queryset=task_rows(self.request.user, self.tasks())
        )
        return self.filter.qs

    def get_paginator(self, queryset: Any, per_page: int, **kwargs: Any) -> Any:
        """Unfiltered, the list is as long as the person's tasks without their cases joined (every
        task is a case's): counting them so costs a fraction of counting the joined rows."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if not any(self.filter.form.cleaned_data.get(name) for name in NARROWING_FILTERS):
            paginator.count = count_once(
                self.request, tasks_visible_to(self.request.user, self.tasks())
            )
        return paginator

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            filter=self.filter, title=self.title, empty_text=self.empty_text, **kwargs
        )


class InboxView(TaskListPage):
    title = _("My tasks")
    empty_text = _("No task is assigned to you.")

    def tasks(self) -> Any:
        return inbox_tasks(self.flow_class, self.request.user)


class QueueView(TaskListPage):
    title = _("Queue")
    empty_text = _("No task waits to be taken.")
    filterset_class = QueueFilter

    def tasks(self) -> Any:
        return queue_tasks(self.flow_class, self.request.user)


class ArchiveView(VisibleTasksOnly, flow_views.FlowArchiveListView):
    columns = ("task_id", "task_title", "created", "finished")


class TaskListView(VisibleTasksOnly, flow_views.DashboardTaskListView):
    # The step's title in the active language, not the node's English name in the code.
    columns = ("task_id", "task_title", "created", "task_owner")


class ProcessListView(VisibleProcessesOnly, flow_views.DashboardProcessListView):
    """Every process named by its case number, not by its row id."""

    columns = ("case_number", "created", "finished", "active_tasks")

    def case_number(self, process: Any) -> str:
        url = self.request.resolver_match.flow_viewset.reverse("process_detail", args=[process.pk])
        case = getattr(process, "case", None)  # every process is a case's, from its first step
        return format_html('<a href="{}">{}</a>', url, case.number if case else "—")

    case_number.short_description = _("Case")

    def active_tasks(self, process: Any) -> int:
        return process.active_tasks_count

    active_tasks.short_description = _("Open tasks")


class FlowChartView(flow_views.FlowChartView):
    """The diagram of the flow, or of one case's process, drawn inside the site's layout with
    its menu and a way back; the picture itself is the same URL with `?format=svg`.

    Viewflow answers the bare SVG (and a BPMN export for process modellers), a page without
    menu or title that no one could leave but with the browser's back button.
    """

    template_name = "flows/flow_chart.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") == "svg":
            return super().get(request, *args, **kwargs)
        process = None
        if "process_pk" in kwargs:
            processes = self.flow_class.process_class._default_manager.select_related("case")
            process = get_object_or_404(
                processes, pk=kwargs["process_pk"], flow_class=self.flow_class
            )
        return TemplateResponse(request, self.template_name, {"process": process})


def visible_process_required(
    view: Callable[..., HttpResponse], node: Node | None
) -> Callable[..., HttpResponse]:
    """404 unless the process's case is visible and the task is one of the URL's own node.

    Viewflow looks a task up by its id alone, so without the second check a visible process's
    URL could carry the id of a task from another case, or of another step of the same case.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        process_id = kwargs["process_pk"]
        if not process_is_open_to(request.user, process_id):
            raise Http404
        if (
            "task_pk" in kwargs
            and not Task.objects.filter(
                pk=kwargs["task_pk"], process_id=process_id, flow_task=node
            ).exists()
        ):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


def guard_process_urls(patterns: Iterable[Any], flow: Any, node: Node | None = None) -> list[Any]:
    """Wrap every view whose URL carries a process id, however deeply it is included."""
    patterns = list(patterns)
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = flow.node(pattern.namespace, no_obsolete=True) if pattern.namespace else None
            guard_process_urls(pattern.url_patterns, flow, inner or node)
        elif isinstance(pattern, URLPattern) and "process_pk" in pattern.pattern.converters:
            pattern.callback = visible_process_required(pattern.callback, node)
    return patterns


class CaseFlowViewset(FlowAppViewset):
    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    task_list_view_class = TaskListView
    process_list_view_class = ProcessListView
    chart_view_class = FlowChartView

    # The kanban dashboard and the bulk actions read tasks without a user filter; the inbox,
    # the queue and each case's page cover what they offer. The address stays, for old links,
    # as a redirect that the menu no longer offers (templates/viewflow/workflow/flow_menu.html).
    index_path = path("", RedirectView.as_view(url="inbox/"), name="index")
    tasks_assign_path = None
    tasks_unassign_path = None

    def get_context_data(self, request: Any) -> dict[str, Any]:
        """The menu's counters, from the same queries as the inbox and the queue."""
        return {
            "user_inbox": MenuCounter(request, inbox_tasks(self._flow_class, request.user)),
            "user_queue": MenuCounter(request, queue_tasks(self._flow_class, request.user)),
        }

    def _get_urls(self) -> list[Any]:
        return guard_process_urls(super()._get_urls(), self._flow_class.instance)
