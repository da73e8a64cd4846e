"""Writes that give people their roles and their access to cases."""

from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from audit import services as audit
from audit.context import acting_as
from audit.models import Action
from lk3_flow.models import Case

from .forms import StaffPasswordResetForm
from .models import RoleRequest, UserSession
from .roles import ROLES, ROLES_BY_CODE, Role
from .selectors import may_decide_role_request, role_codes_of

CHANGE_USER = "auth.change_user"

CASE_FILE_PERMISSIONS = ("lk3_flow.view_case", "lk3_flow.change_case")


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def sync_roles() -> None:
    """Make every role's group hold exactly the permissions declared for it; safe to repeat.

    A change to an existing role's permissions is an audited event like any other (see
    `permissions.receivers`). A group created here, at installation, starts with its declared
    permissions written directly: nobody belongs to it yet, so nobody's rights change.
    """
    for role in ROLES:
        group, created = Group.objects.get_or_create(name=role.group_name)
        permissions = [_permission(dotted) for dotted in role.permissions]
        if created:
            Group.permissions.through.objects.bulk_create(
                Group.permissions.through(group=group, permission=permission)
                for permission in permissions
            )
        else:
            group.permissions.set(permissions)


def grant_role(user: AbstractBaseUser, role_code: str) -> None:
    """Give a role at once, without a second person: for set-up code (demo, tests), not people."""
    user.groups.add(Group.objects.get(name=ROLES_BY_CODE[role_code].group_name))


def _refuse_own_account(actor: AbstractBaseUser, user: AbstractBaseUser) -> None:
    if actor.pk == user.pk:
        raise PermissionDenied(_("Nobody changes their own roles or permissions."))


def _groups_of(roles: Collection[Role]) -> list[Group]:
    return list(Group.objects.filter(name__in=[role.group_name for role in roles]))


@transaction.atomic
def change_roles(
    *, actor: AbstractBaseUser, user: AbstractBaseUser, role_codes: Collection[str]
) -> list[RoleRequest]:
    """Make `user` hold the roles `role_codes`, as far as one person may decide that alone.

    Taking a role away, or giving one that sees only some cases, happens at once. A role that
    sees every case is only requested; the requests are returned.
    """
    _refuse_own_account(actor, user)
    if not actor.has_perm(CHANGE_USER):
        raise PermissionDenied
    unknown = set(role_codes) - set(ROLES_BY_CODE)
    if unknown:
        raise ValidationError(_("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)})
    with acting_as(actor):
        held = role_codes_of(user)
        wanted = set(role_codes)
        removed = [ROLES_BY_CODE[code] for code in held - wanted]
        added = [ROLES_BY_CODE[code] for code in sorted(wanted - held)]
        if removed:
            user.groups.remove(*_groups_of(removed))
        direct = [role for role in added if not role.sees_every_case]
        if direct:
            user.groups.add(*_groups_of(direct))
        return [
            request_role(actor=actor, user=user, role_code=role.code)
            for role in added
            if role.sees_every_case
        ]


@transaction.atomic
def request_role(*, actor: AbstractBaseUser, user: AbstractBaseUser, role_code: str) -> RoleRequest:
    """Ask for a role that sees every case; asking twice keeps the one pending request."""
    _refuse_own_account(actor, user)
    if not actor.has_perm(CHANGE_USER):
        raise PermissionDenied
    role = ROLES_BY_CODE[role_code]
    if not role.sees_every_case:
        raise ValidationError(_("This role is given directly; it needs no confirmation."))
    with acting_as(actor):
        role_request, created = RoleRequest.objects.get_or_create(
            user=user,
            role=role.code,
            status=RoleRequest.Status.PENDING,
            defaults={"requested_by": actor},
        )
        if created:
            _record_role_request(Action.ROLE_REQUESTED, role_request)
    return role_request


@transaction.atomic
def decide_role_request(
    *, actor: AbstractBaseUser, role_request: RoleRequest, confirm: bool
) -> RoleRequest:
    """Confirm (the role takes effect now) or decline a request, as the required second person."""
    role_request = (
        RoleRequest.objects.select_for_update().select_related("user").get(pk=role_request.pk)
    )
    if not may_decide_role_request(actor, role_request):
        raise PermissionDenied
    if role_request.status != RoleRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    decision = Action.ROLE_CONFIRMED if confirm else Action.ROLE_DECLINED
    # One event: the decision, with the membership it gives as an effect.
    with acting_as(actor), audit.action(decision, obj=role_request):
        role_request.status = (
            RoleRequest.Status.CONFIRMED if confirm else RoleRequest.Status.DECLINED
        )
        role_request.decided_by = actor
        role_request.decided_at = timezone.now()
        role_request.save(update_fields=["status", "decided_by", "decided_at"])
        if confirm:
            role_request.user.groups.add(Group.objects.get(name=role_request.group_name))
        _record_role_request(decision, role_request)
    return role_request


def _record_role_request(action: Action, role_request: RoleRequest) -> None:
    user = role_request.user
    audit.record(
        action,
        obj=role_request,
        details={
            "user": user.get_username(),
            "user_id": user.pk,
            "role": role_request.group_name,
            "requested_by_id": role_request.requested_by_id,
        },
    )


def send_password_reset(
    *, actor: AbstractBaseUser, user: AbstractBaseUser, domain: str, use_https: bool
) -> None:
    """E-mail the person a link to choose their own password: nobody sets another's password.

    Raises ValidationError when the account cannot receive one; the link is recorded as sent
    only once the mail server has taken it.
    """
    if not actor.has_perm(CHANGE_USER):
        raise PermissionDenied
    if not user.is_active:
        raise ValidationError(_("A deactivated account gets no password reset link."))
    if not user.email:
        raise ValidationError(_("The account has no e-mail address for a reset link."))
    form = StaffPasswordResetForm(user)
    if not form.is_valid():
        raise ValidationError(_("The account's e-mail address is not valid."))
    with acting_as(actor):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="permissions/password_reset_subject.html",
            email_template_name="permissions/password_reset_email.html",
        )
        audit.record(
            Action.PASSWORD_RESET_SENT,
            obj=user,
            details={"user": user.get_username(), "user_id": user.pk},
        )


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
