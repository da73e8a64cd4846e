from typing import Any

from django import template

from lk3_flow.choices import ProblemCategory, Service
from lk3_flow.selectors import address_of
from permissions.selectors import client_name_for

register = template.Library()

_VOCABULARIES = {"service": Service, "problem": ProblemCategory}


@register.filter
def labels(codes: list[str], vocabulary: str) -> str:
    """Readable labels of a stored list of codes, e.g. {{ case.services|labels:"service" }}."""
    choices = dict(_VOCABULARIES[vocabulary].choices)
    return ", ".join(str(choices.get(code, code)) for code in codes)


@register.filter
def nip(number: str) -> str:
    """A NIP as official documents print it, in its parts: birth date, appointment month, sex,
    sequence ("19701103 199602 2 001"); anything else as it is."""
    if len(number) != 18 or not number.isdigit():
        return number
    return f"{number[:8]} {number[8:14]} {number[14]} {number[15:]}"


@register.filter
def person(user: object) -> str:
    """A staff member as people call them: full name, else login name; a dash when nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.simple_tag(takes_context=True)
def client_name(context: dict, case: object) -> str:
    """The client's name as lists show it to the current user (masked when sensitive)."""
    return client_name_for(context["request"].user, case)


@register.filter
def address(client: Any) -> str:
    return address_of(client)


@register.filter
def task_url(task: Any) -> str:
    """The page of a process task: its detail, from which it is taken or done."""
    return task.flow_task.reverse("index", args=[task.process_id, task.pk])
