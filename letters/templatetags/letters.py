from django import template
from django.contrib.auth.models import AbstractBaseUser

from letters.selectors import may_read_letter_register as _may_read_letter_register

register = template.Library()


@register.filter
def may_read_letter_register(user: AbstractBaseUser) -> bool:
    """For menus: the page's own rule, not a copy of it."""
    return _may_read_letter_register(user)
