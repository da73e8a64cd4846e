"""Writes that give people their roles."""

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction

from .roles import ROLES, ROLES_BY_CODE


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def sync_roles() -> None:
    """Make every role's group hold exactly the permissions declared for it; safe to repeat."""
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set([_permission(dotted) for dotted in role.permissions])


def grant_role(user: AbstractBaseUser, role_code: str) -> None:
    user.groups.add(Group.objects.get(name=ROLES_BY_CODE[role_code].group_name))
