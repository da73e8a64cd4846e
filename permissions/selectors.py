"""Reads that decide who may see what. Every page that lists or shows cases goes through here."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from lk3_flow.models import Case

from .roles import AUDIT_CASE, COUNSELOR, MANAGE_CASE, REGISTER_CASE, Role


def has_role(user: AbstractBaseUser, role: Role) -> bool:
    return user.is_authenticated and user.groups.filter(name=role.group_name).exists()


def users_with_role(role: Role) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role.group_name)
        .select_related("lk3_profile")
        .order_by("first_name", "last_name", "username")
    )


def counselors() -> QuerySet:
    return users_with_role(COUNSELOR)


def cases_visible_to(user: AbstractBaseUser) -> QuerySet:
    """The cases this user has a reason to see: heads and auditors all, others only their own."""
    cases = Case.objects.all()
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.has_perm(MANAGE_CASE) or user.has_perm(AUDIT_CASE):
        return cases
    own = Q(counselor=user)
    if user.has_perm(REGISTER_CASE):
        own |= Q(registered_by=user)
    return cases.filter(own)


def can_view_case(user: AbstractBaseUser, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def may_withdraw_cases(user: AbstractBaseUser) -> bool:
    return user.has_perm(MANAGE_CASE)


def may_reopen_cases(user: AbstractBaseUser) -> bool:
    return user.has_perm(REGISTER_CASE) or user.has_perm(MANAGE_CASE)
