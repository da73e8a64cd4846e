from django import template

from lk3_flow.choices import ProblemCategory, Service

register = template.Library()

_VOCABULARIES = {"service": Service, "problem": ProblemCategory}


@register.filter
def labels(codes: list[str], vocabulary: str) -> str:
    """Readable labels of a stored list of codes, e.g. {{ case.services|labels:"service" }}."""
    choices = dict(_VOCABULARIES[vocabulary].choices)
    return ", ".join(str(choices.get(code, code)) for code in codes)


@register.filter
def person(user: object) -> str:
    """A staff member as people call them: full name, else login name; a dash when nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
