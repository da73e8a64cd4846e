"""Filters of the inbox and the queue: the case's priority, stage and due date."""

from typing import Any

from lk3_flow.filters import PressingFirstFilterSet


class TaskFilter(PressingFirstFilterSet):
    """Over tasks annotated by `flows.selectors.task_rows`: overdue work always comes first,
    then returned work. One person's tasks are few enough to sort by flags no index holds."""

    case_path = "process__case__"
    created_field = "created"

    def leading_order(self) -> list[Any]:
        return ["-is_overdue", "-returned"]


class QueueFilter(TaskFilter):
    """Nothing in the queue was returned: a returned step goes straight back to its counselor.
    The queue holds every unassigned step of the office, too many to sort by a flag: without
    leading keys it is read in the cases' most-pressing order (an index), overdue first within
    each priority."""

    def leading_order(self) -> list[Any]:
        return []
