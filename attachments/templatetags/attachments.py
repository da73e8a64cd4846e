from django import template

from lk3_flow.models import Case

from .. import selectors

register = template.Library()


@register.filter
def consent_documented(case: Case) -> bool:
    """For pages that show a case's consent without its attachments (a task's case summary);
    the case page knows it from the attachments it lists."""
    return selectors.consent_documented(case)
