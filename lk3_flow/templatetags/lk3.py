from django import template

from lk3_flow.choices import ProblemCategory, Service

register = template.Library()

_VOCABULARIES = {"service": Service, "problem": ProblemCategory}


@register.filter
def labels(codes: list[str], vocabulary: str) -> str:
    """Readable labels of a stored list of codes, e.g. {{ case.services|labels:"service" }}."""
    choices = dict(_VOCABULARIES[vocabulary].choices)
    return ", ".join(str(choices.get(code, code)) for code in codes)
