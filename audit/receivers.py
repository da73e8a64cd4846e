"""Events the application does not call for itself: logins, and the workflow engine's tasks.

Failed logins are recorded by `permissions.logins`, which knows which typed names may be kept.

Task rows are written by viewflow's activations, not by our services, so their transitions are
observed here, inside the same transaction as the save. The one bulk write of tasks we make
(none: reassignment saves task by task) would bypass this, which is why there is none.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_init, post_save
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from lk3_flow.models import Case

from .models import Action
from .services import record

TASK_INIT_UID = "audit-task-init"
TASK_SAVE_UID = "audit-task-save"
STATUS_ACTIONS = {
    STATUS.ASSIGNED: Action.TASK_ASSIGNED,
    STATUS.STARTED: Action.TASK_STARTED,
    STATUS.DONE: Action.TASK_COMPLETED,
    STATUS.CANCELED: Action.TASK_CANCELLED,
}


def _remember_task_state(sender: Any, instance: Task, **kwargs: Any) -> None:
    instance._audit_state = (instance.status, instance.owner_id)


def _task_details(task: Task) -> dict[str, Any]:
    return {
        "step": task.flow_task.name if task.flow_task else "",
        "owner_id": task.owner_id,
        "status": task.status,
    }


def _case_id_of(task: Task) -> int | None:
    """The case of the task's process.

    An activation hands the same process object to every task it creates or completes, so the
    answer is kept on that object for the next transition. Not before the case exists: intake's
    first task is saved before its case is registered.
    """
    process = task.process if Task.process.is_cached(task) else None
    case_id = getattr(process, "_audit_case_id", None)
    if case_id is None:
        case_id = (
            Case.objects.filter(process_id=task.process_id).values_list("pk", flat=True).first()
        )
        if process is not None and case_id is not None:
            process._audit_case_id = case_id
    return case_id


def _record_task_change(sender: Any, instance: Task, created: bool, **kwargs: Any) -> None:
    old_status, old_owner = (None, None) if created else instance._audit_state
    instance._audit_state = (instance.status, instance.owner_id)
    case_id = _case_id_of(instance)
    details = _task_details(instance)
    if created:
        record(Action.TASK_CREATED, case_id=case_id, obj=instance, details=details)
        old_status = STATUS.NEW
    if instance.status != old_status and instance.status in STATUS_ACTIONS:
        record(STATUS_ACTIONS[instance.status], case_id=case_id, obj=instance, details=details)
    elif not created and instance.owner_id != old_owner:
        details["previous_owner_id"] = old_owner
        record(Action.TASK_REASSIGNED, case_id=case_id, obj=instance, details=details)


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGGED_IN, actor=user)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Action.LOGGED_OUT, actor=user)


def connect() -> None:
    post_init.connect(_remember_task_state, sender=Task, dispatch_uid=TASK_INIT_UID)
    post_save.connect(_record_task_change, sender=Task, dispatch_uid=TASK_SAVE_UID)
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
