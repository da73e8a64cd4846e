"""Writes that give people their roles and their access to cases."""

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from audit import services as audit
from audit.context import acting_as
from audit.models import Action
from lk3_flow.models import Case, StaffProfile

from .forms import StaffPasswordResetForm
from .models import RoleRequest, UserSession
from .roles import ROLES, ROLES_BY_CODE, Role
from .selectors import (
    CHANGE_USER,
    invitation_pending,
    may_administer_staff,
    may_change_email,
    may_change_staff_member,
    may_decide_role_request,
    pending_role_codes,
    role_codes_of,
    username_taken,
)

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


@dataclass(frozen=True)
class StaffMember:
    """What the administrator's staff form says about a person: account, profile and roles."""

    username: str
    full_name: str
    email: str
    position: str
    nip: str
    role_codes: frozenset[str]
    # Told when a head's decision passes its due date (the office's Penanggung Jawab).
    responsible_head: bool = False


@dataclass
class StaffChange:
    """What one change of a staff member came to, for the page to tell."""

    user: AbstractBaseUser
    role_requests: list[RoleRequest] = field(default_factory=list)
    reset_link_sent: bool = False
    changed: bool = True


def _name_parts(user: AbstractBaseUser, full_name: str) -> tuple[str, str]:
    """Indonesian names have no first and last part: a new or changed name is kept whole.

    An unchanged name keeps the parts it was stored in, so that saving the form changes nothing.
    """
    if user.pk is not None and full_name == user.get_full_name():
        return user.first_name, user.last_name
    return full_name, ""


def _save_account(user: AbstractBaseUser) -> None:
    """Validate and save; a login name taken meanwhile is a form error, not a server error."""
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise ValidationError(
            {"username": _("Another account already has this login name.")}
        ) from error


def _refuse_taken_username(username: str, user: AbstractBaseUser | None = None) -> None:
    if username_taken(username, other_than=user):
        raise ValidationError({"username": _("Another account already has this login name.")})


def _profile_fields(member: StaffMember) -> dict[str, Any]:
    return {
        "position": member.position,
        "nip": member.nip,
        "responsible_head": member.responsible_head,
    }


def _record_profile(
    user: AbstractBaseUser, profile: StaffProfile, changes: dict[str, list[Any]]
) -> None:
    """The position and NIP are printed on letters, and the Penanggung Jawab is told of late
    decisions: their changes are staff changes too."""
    audit.record(
        Action.STAFF_CHANGED,
        obj=profile,
        details={"user": user.get_username(), "user_id": user.pk, "changes": changes},
    )


@transaction.atomic
def add_staff_member(
    *, actor: AbstractBaseUser, member: StaffMember, domain: str, use_https: bool
) -> StaffChange:
    """A new colleague's account, profile and roles, and the e-mailed link to choose a password.

    The account has no password: nobody but the person ever knows it. All or nothing, as one
    audit event: a NIP that does not validate or a mail server that refuses the link (OSError,
    raised on) leaves no account behind.
    """
    if not may_administer_staff(actor):
        raise PermissionDenied
    _refuse_taken_username(member.username)
    user = get_user_model()(username=member.username, email=member.email)
    user.first_name, user.last_name = _name_parts(user, member.full_name)
    user.set_unusable_password()
    with acting_as(actor), audit.action(Action.STAFF_CHANGED):
        _save_account(user)
        profile = StaffProfile(user=user, **_profile_fields(member))
        profile.full_clean()
        profile.save()
        changes = {name: [None, value] for name, value in _profile_fields(member).items() if value}
        if changes:
            _record_profile(user, profile, changes)
        role_requests = change_roles(actor=actor, user=user, role_codes=member.role_codes)
        send_password_reset(actor=actor, user=user, domain=domain, use_https=use_https)
    return StaffChange(user, role_requests, reset_link_sent=True)


@transaction.atomic
def change_staff_member(
    *,
    actor: AbstractBaseUser,
    user: AbstractBaseUser,
    member: StaffMember,
    domain: str,
    use_https: bool,
) -> StaffChange:
    """Change a person's account, profile and roles at once, as one audit event.

    Roles follow `change_roles`: one that sees every case is only requested. Only a superuser
    moves the address of an account in use; a corrected address of an invitation nobody has
    used yet gets a new link. Nothing is written (no event either) when nothing changes.
    """
    if not may_change_staff_member(actor, user):
        raise PermissionDenied
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if member.email != user.email and not may_change_email(actor, user):
        raise ValidationError(
            {"email": _("Only a superuser changes the address of an account in use.")}
        )
    _refuse_taken_username(member.username, user)
    first_name, last_name = _name_parts(user, member.full_name)
    account = {
        "username": member.username,
        "first_name": first_name,
        "last_name": last_name,
        "email": member.email,
    }
    account_changes = [name for name, value in account.items() if getattr(user, name) != value]
    profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
    wanted_profile = _profile_fields(member)
    profile_changes = audit.field_changes(
        {name: getattr(profile, name) for name in wanted_profile}, wanted_profile
    )
    held, wanted = role_codes_of(user), set(member.role_codes)
    # A role already waiting for a head's confirmation is no change when it is asked again.
    roles_change = bool(held - wanted or wanted - held - pending_role_codes(user))
    if not (account_changes or profile_changes or roles_change):
        return StaffChange(user, changed=False)
    invite_again = "email" in account_changes and invitation_pending(user)
    role_requests: list[RoleRequest] = []
    with acting_as(actor), audit.action(Action.STAFF_CHANGED, obj=user):
        if account_changes:
            for name in account_changes:
                setattr(user, name, account[name])
            _save_account(user)
        if profile_changes:
            for name, value in wanted_profile.items():
                setattr(profile, name, value)
            profile.full_clean()
            profile.save()
            _record_profile(user, profile, profile_changes)
        if roles_change:
            role_requests = change_roles(actor=actor, user=user, role_codes=wanted)
        if invite_again:
            send_password_reset(actor=actor, user=user, domain=domain, use_https=use_https)
    return StaffChange(user, role_requests, reset_link_sent=invite_again)


@transaction.atomic
def set_staff_active(*, actor: AbstractBaseUser, user: AbstractBaseUser, active: bool) -> int:
    """Deactivate a person (they are logged out everywhere at once) or let them back in.

    A deactivated person's open cases and tasks stay theirs until a head hands them over
    (`flows.services.hand_over_open_tasks`, flagged on the workload page): who takes them over
    is the head's decision. Returns the number of sessions ended.
    """
    if not may_change_staff_member(actor, user):
        raise PermissionDenied
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        raise ValidationError(
            _("The account is already active.")
            if active
            else _("The account is already deactivated.")
        )
    ended = 0
    with acting_as(actor), audit.action(Action.STAFF_CHANGED, obj=user) as done:
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            ended = end_all_sessions(user)
            done.details["sessions_ended"] = ended
    return ended
