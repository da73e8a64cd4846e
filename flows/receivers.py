"""The workflow engine's task transitions, in the audit log.

Task rows are written by viewflow's activations, not by our services, so their transitions are
observed here, inside the same transaction as the save. Inside a person's action (a task page,
a withdrawal, a hand-over) each transition is one effect of that action; outside any (viewflow's
own assign and unassign pages) it is an event of its own. The one bulk write of tasks we make
(none: reassignment saves task by task) would bypass this, which is why there is none.
"""

from functools import cache
from typing import Any

from django.conf import settings
from django.db.models.signals import post_init, post_save
from django.utils import translation
from viewflow.workflow.base import Node
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit import services as audit
from audit.models import Action
from lk3_flow.models import Case

TASK_INIT_UID = "flows-task-audit-init"
TASK_SAVE_UID = "flows-task-audit-save"
STATUS_ACTIONS = {
    STATUS.ASSIGNED: Action.TASK_ASSIGNED,
    STATUS.STARTED: Action.TASK_STARTED,
    STATUS.DONE: Action.TASK_COMPLETED,
    STATUS.CANCELED: Action.TASK_CANCELLED,
}


def task_label(task: Task) -> str:
    """The step's title as the office reads it ("Sesi konseling"), never a row reference.

    Kept in the office's language: the log is one record, whoever's page wrote it.
    """
    return _node_title(task.flow_task) if task.flow_task is not None else ""


@cache
def _node_title(node: Node) -> str:
    """Nodes are declared once per process; their titles are translated once, not per save."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(node.task_title)


def task_details(task: Task) -> dict[str, Any]:
    return {
        "step": task.flow_task.name if task.flow_task else "",
        "owner_id": task.owner_id,
        "status": task.status,
    }


def _remember_task_state(sender: Any, instance: Task, **kwargs: Any) -> None:
    instance._audit_state = (instance.status, instance.owner_id)


def _case_id_of(task: Task) -> int | None:
    """The case of the task's process.

    An activation hands the same process object to every task it creates or completes, so the
    answer is kept on that object for the next transition; a process whose case was already
    loaded answers without a query. Not before the case exists: intake's first task is saved
    before its case is registered.
    """
    process = task.process if Task.process.is_cached(task) else None
    if process is None:
        return Case.objects.filter(process_id=task.process_id).values_list("pk", flat=True).first()
    case_id = getattr(process, "_audit_case_id", None)
    if case_id is None:
        loaded = process._state.fields_cache.get("case")
        case_id = (
            loaded.pk
            if loaded is not None
            else Case.objects.filter(process_id=task.process_id)
            .values_list("pk", flat=True)
            .first()
        )
        if case_id is not None:
            process._audit_case_id = case_id
    return case_id


def _record_task_change(sender: Any, instance: Task, created: bool, **kwargs: Any) -> None:
    old_status, old_owner = (None, None) if created else instance._audit_state
    instance._audit_state = (instance.status, instance.owner_id)
    case_id = _case_id_of(instance)
    details = task_details(instance)
    label = task_label(instance)

    def record(action: Action) -> None:
        audit.record(action, case_id=case_id, obj=instance, details=details, label=label)

    if created:
        record(Action.TASK_CREATED)
        old_status = STATUS.NEW
    if instance.status != old_status and instance.status in STATUS_ACTIONS:
        record(STATUS_ACTIONS[instance.status])
    elif not created and instance.owner_id != old_owner:
        details = {**details, "previous_owner_id": old_owner}
        record(Action.TASK_REASSIGNED)


def connect() -> None:
    post_init.connect(_remember_task_state, sender=Task, dispatch_uid=TASK_INIT_UID)
    post_save.connect(_record_task_change, sender=Task, dispatch_uid=TASK_SAVE_UID)
