"""Filters of the inbox and the queue: the case's priority, stage and due date."""

from typing import Any

from lk3_flow.filters import PressingFirstFilterSet


class TaskFilter(PressingFirstFilterSet):
    """Over tasks annotated by `flows.selectors.task_rows`: returned work always comes first."""

    case_path = "process__case__"
    created_field = "created"

    def leading_order(self) -> list[Any]:
        return ["-returned"]


class QueueFilter(TaskFilter):
    """Nothing in the queue was returned: a returned step goes straight back to its counselor.
    Without that first key the queue is read in the cases' most-pressing order."""

    def leading_order(self) -> list[Any]:
        return []
