"""Steps recorded inside an activation that is already running, shared by pages and code."""

import contextlib
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from viewflow.workflow.models import Task

from audit import services as audit
from audit.models import Action
from lk3_flow import services
from lk3_flow.models import Case

from .receivers import task_details, task_label


def keep_for_the_flow(process: Any, recorded: object) -> None:
    """Hand what the person's step just recorded to the automatic steps that follow it.

    They share the step's process object; the invitation and the choice of the next step read
    the session from here rather than from the database.
    """
    process.just_recorded = recorded


def completing(task: Task, *, case_id: int) -> contextlib.AbstractContextManager[Any]:
    """The one event of a person's step: "task completed", with all it sets off as effects
    (the automatic steps, the next task, its letters, the case's changes)."""
    return audit.action(
        Action.TASK_COMPLETED,
        case_id=case_id,
        obj=task,
        label=task_label(task),
        details={"step": task_details(task)["step"]},
    )


def register_in_activation(
    activation: Any, *, actor: AbstractBaseUser, registration: services.Registration
) -> Case:
    """Record an intake inside a started intake activation and hand the case to the head."""
    case = services.register_case(actor=actor, registration=registration)
    activation.process.save()
    services.link_process(case, activation.process)
    activation.execute()
    return case
