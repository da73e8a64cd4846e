"""Steps recorded inside an activation that is already running, shared by pages and code."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from lk3_flow import services
from lk3_flow.models import Case


def register_in_activation(
    activation: Any, *, actor: AbstractBaseUser, registration: services.Registration
) -> Case:
    """Record an intake inside a started intake activation and hand the case to the head."""
    case = services.register_case(actor=actor, registration=registration)
    activation.process.save()
    services.link_process(case, activation.process)
    activation.execute()
    return case
