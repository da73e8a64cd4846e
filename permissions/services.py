"""Writes that give people their roles and their access to cases."""

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.sessions.models import Session
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from audit import services as audit
from audit.models import Action
from lk3_flow.models import Case

from .models import UserSession
from .roles import ROLES, ROLES_BY_CODE

CASE_FILE_PERMISSIONS = ("lk3_flow.view_case", "lk3_flow.change_case")


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


def grant_case_file(case: Case, user: AbstractBaseUser) -> None:
    """The assigned counselor may read and write the case file and all its records."""
    for permission in CASE_FILE_PERMISSIONS:
        assign_perm(permission, user, case)
    _record_access(Action.PERMISSION_GRANTED, case, user)


def revoke_case_file(case: Case, user: AbstractBaseUser) -> None:
    for permission in CASE_FILE_PERMISSIONS:
        remove_perm(permission, user, case)
    _record_access(Action.PERMISSION_REVOKED, case, user)


def _record_access(action: Action, case: Case, user: AbstractBaseUser) -> None:
    audit.record(
        action,
        case=case,
        obj=case,
        details={
            "user": user.get_full_name() or user.get_username(),
            "user_id": user.pk,
            "permissions": list(CASE_FILE_PERMISSIONS),
        },
    )


def remember_session(user: AbstractBaseUser, session_key: str) -> None:
    UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


@transaction.atomic
def end_all_sessions(user: AbstractBaseUser) -> int:
    """Log the person out on every device: their sessions stop existing."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)
