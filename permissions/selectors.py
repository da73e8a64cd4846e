"""Reads that decide who may see what. Every page that lists or shows cases goes through here."""

import enum
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.db.models import Prefetch, Q, QuerySet, Subquery
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import Action, AuditEvent
from casenotes.models import CaseNote, ContactEntry
from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case

from .models import CaseUserObjectPermission, RoleRequest
from .roles import (
    AUDIT_CASE,
    COUNSELOR,
    HEAD,
    MANAGE_CASE,
    REGISTER_CASE,
    ROLES,
    ROLES_BY_CODE,
    ROLES_BY_GROUP_NAME,
    Role,
)

# What the heads read on their staff page: every change to who may do what.
STAFF_ACTIONS = (
    Action.STAFF_CHANGED,
    Action.ROLE_CHANGED,
    Action.ROLE_REQUESTED,
    Action.ROLE_CONFIRMED,
    Action.ROLE_DECLINED,
    Action.PASSWORD_RESET_SENT,
)


class CaseAccess(enum.IntEnum):
    """How much of a case file a person may see."""

    NONE = 0
    REGISTRATION = 1  # the client and what was recorded at intake
    FULL = 2


def users_with_role(role: Role) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role.group_name)
        .select_related("lk3_profile")
        .order_by("first_name", "last_name", "username")
    )


def counselors() -> QuerySet:
    return users_with_role(COUNSELOR)


def sees_every_case(user: AbstractBaseUser) -> bool:
    """Heads answer for every case of the office; auditors read every case."""
    return user.has_perm(MANAGE_CASE) or user.has_perm(AUDIT_CASE)


def _grants(user: AbstractBaseUser) -> QuerySet:
    """The user's case-file grants, read through the (user, permission, case) index.

    The permission's id comes from a scalar subquery rather than a join, which PostgreSQL plans
    as a one-off lookup instead of scanning every grant.
    """
    view_case = Permission.objects.filter(
        content_type__app_label="lk3_flow", codename="view_case"
    ).values("pk")[:1]
    return CaseUserObjectPermission.objects.filter(user=user, permission_id=Subquery(view_case))


def _granted_case_ids(user: AbstractBaseUser) -> QuerySet:
    return _grants(user).values("content_object_id")


def cases_visible_to(user: AbstractBaseUser) -> QuerySet:
    """The cases this user has a reason to see at all, in one query whatever their number."""
    cases = Case.objects.all()
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if sees_every_case(user):
        return cases
    reason = Q(pk__in=_granted_case_ids(user))
    if user.has_perm(REGISTER_CASE):
        reason |= Q(registered_by=user)
    return cases.filter(reason)


def case_files_open_to(user: AbstractBaseUser) -> QuerySet:
    """The cases whose whole file, process and tasks included, this user may read."""
    cases = Case.objects.all()
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if sees_every_case(user):
        return cases
    return cases.filter(pk__in=_granted_case_ids(user))


def open_process_ids(user: AbstractBaseUser) -> QuerySet:
    """Processes of the case files open to the user: what viewflow's pages may show them."""
    if user.is_authenticated and user.is_active and not sees_every_case(user):
        return _grants(user).values("content_object__process_id")
    return case_files_open_to(user).values("process_id")


def process_is_open_to(user: AbstractBaseUser, process_id: int) -> bool:
    return case_files_open_to(user).filter(process_id=process_id).exists()


def case_access(user: AbstractBaseUser, case: Case) -> CaseAccess:
    if not user.is_authenticated or not user.is_active:
        return CaseAccess.NONE
    if sees_every_case(user):
        return CaseAccess.FULL
    if case_files_open_to(user).filter(pk=case.pk).exists():
        return CaseAccess.FULL
    if user.has_perm(REGISTER_CASE) and case.registered_by_id == user.pk:
        return CaseAccess.REGISTRATION
    return CaseAccess.NONE


def mask_name(name: str) -> str:
    """'Siti Aminah' -> 'S*** A*****': enough to tell rows apart, not to identify anyone."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def knows_every_client_name(user: AbstractBaseUser) -> bool:
    """Auditors read every file as it is, real names included."""
    return user.has_perm(AUDIT_CASE)


def client_name_masked(user: AbstractBaseUser, case: Case) -> bool:
    """Whether the case's client is masked to the user: a sensitive case is known by name only
    to its counselor (and to auditors). `cases_named_for` is the same rule in SQL."""
    return case.sensitive and case.counselor_id != user.pk and not knows_every_client_name(user)


def cases_named_for(user: AbstractBaseUser, cases: QuerySet | None = None) -> QuerySet:
    """Of `cases` (all by default), those whose client this user may know by name.

    Every search by a client's name or NIK matches only within these, so that a search cannot
    tell which masked row belongs to a name. Narrows the given queryset rather than returning
    a subquery, so that a search stays one plain query.
    """
    cases = Case.objects.all() if cases is None else cases
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if knows_every_client_name(user):
        return cases
    return cases.filter(Q(sensitive=False) | Q(counselor=user))


def client_name_for(user: AbstractBaseUser, case: Case) -> str:
    """A client's name as a list shows it: masked on sensitive cases not assigned to the user."""
    name = case.client.full_name
    return mask_name(name) if client_name_masked(user, case) else name


def may_withdraw_cases(user: AbstractBaseUser) -> bool:
    return user.has_perm(MANAGE_CASE)


def may_reassign_cases(user: AbstractBaseUser) -> bool:
    return user.has_perm(MANAGE_CASE)


def may_edit_client(user: AbstractBaseUser, case: Case, access: CaseAccess | None = None) -> bool:
    """A client's data are corrected by a head, or by the counselor of the client's open case.

    The intake officer records them at registration and keeps no right to change them after:
    once a counselor has the case, the officer no longer sees all of it. `access`, when the
    caller has just asked `case_access`, saves asking it again.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(MANAGE_CASE):
        return True
    return (
        case.status == CaseStatus.OPEN
        and case.counselor_id == user.pk
        and (case_access(user, case) if access is None else access) == CaseAccess.FULL
    )


def may_merge_clients(user: AbstractBaseUser) -> bool:
    """Two records found to be one person are joined by a head, who answers for the decision."""
    return user.has_perm(MANAGE_CASE)


def client_masked_anywhere(user: AbstractBaseUser, client_id: int) -> bool:
    """Whether any case of the client hides their name from the user (`cases_named_for`)."""
    cases = Case.objects.filter(client_id=client_id)
    return cases.exclude(pk__in=cases_named_for(user, cases).values("pk")).exists()


def may_keep_case_notes(
    user: AbstractBaseUser, case: Case, access: CaseAccess | None = None
) -> bool:
    """Notes and contacts are written by a head, or by the case's counselor.

    An auditor changes nothing, whatever other group they are also in; the intake officer, who
    no longer sees the whole file, writes none, nor does a counselor whose role was taken away.
    Whether the case still takes entries (open) is the case's question
    (`casenotes.selectors.may_add_entries`).
    """
    if not user.is_authenticated or not user.is_active or user.has_perm(AUDIT_CASE):
        return False
    if user.has_perm(MANAGE_CASE):
        return True
    return (
        case.counselor_id == user.pk
        and _holds_role(user, COUNSELOR)
        and (case_access(user, case) if access is None else access) == CaseAccess.FULL
    )


def _holds_role(user: AbstractBaseUser, role: Role) -> bool:
    return user.groups.filter(name=role.group_name).exists()


def case_notes_readable_by(user: AbstractBaseUser, notes: QuerySet | None = None) -> QuerySet:
    """Of `notes` (all by default), those this user may read, in one query.

    A note is read by whoever may read its whole case file; a confidential one only by the
    heads and the case's current counselor (while they hold the role): a counselor who was
    replaced, an auditor, an intake officer never read it. Every page, export and audit view
    that shows a note's text asks here.
    """
    notes = CaseNote.objects.all() if notes is None else notes
    if not user.is_authenticated or not user.is_active:
        return notes.none()
    notes = notes.filter(case__in=case_files_open_to(user))
    if user.has_perm(MANAGE_CASE):
        return notes
    if _holds_role(user, COUNSELOR):
        return notes.filter(Q(confidential=False) | Q(case__counselor=user))
    return notes.filter(confidential=False)


def case_contacts_readable_by(user: AbstractBaseUser, contacts: QuerySet | None = None) -> QuerySet:
    """Of `contacts` (all by default), those of case files this user may read whole."""
    contacts = ContactEntry.objects.all() if contacts is None else contacts
    if not user.is_authenticated or not user.is_active:
        return contacts.none()
    return contacts.filter(case__in=case_files_open_to(user))


def may_issue_reports(user: AbstractBaseUser) -> bool:
    """The head answers to the social office for the office's figures and signs what goes
    there; the auditor reads the reports issued, and issues none."""
    return user.has_perm(MANAGE_CASE)


def may_reopen_cases(user: AbstractBaseUser) -> bool:
    """Reopening is the head's decision, as the roles table says; registering is not enough."""
    return user.has_perm(MANAGE_CASE)


def openable_case_ids(user: AbstractBaseUser, case_ids: Iterable[int]) -> set[int]:
    """Which of these cases the user may open: the ones a page may link to, in one query.

    A page that names a related case (the one it continues, the ones it was reopened as) links
    only to those; the others are named without a link that would end in a refusal.
    """
    wanted = {pk for pk in case_ids if pk is not None}
    if not wanted:
        return set()
    return set(cases_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


def may_act_on_task(user: AbstractBaseUser, task: Any) -> bool:
    """Whether the user may take, give back or complete this task of a case's process.

    One rule per kind of step, which the task's node names by its `acting_role`: a counselor step
    belongs to the case's current counselor (while they hold the counselor role), a head step to
    every head. An auditor acts on nothing, whatever other group they are also in. A step that
    names no role is nobody's: deny by default. Whether the task's state allows the action
    (owned by the user, still open) is the node's question, not this one.
    """
    if not user.is_authenticated or not user.is_active or user.has_perm(AUDIT_CASE):
        return False
    role = getattr(task.flow_task, "acting_role", None)
    if role == HEAD:
        return user.has_perm(MANAGE_CASE)
    if role == COUNSELOR:
        return Case.objects.filter(
            process_id=task.process_id, counselor=user, counselor__groups__name=role.group_name
        ).exists()
    return False


def role_codes_of(user: AbstractBaseUser) -> set[str]:
    """The codes of the roles a person holds, read from their groups."""
    names = user.groups.values_list("name", flat=True)
    return {ROLES_BY_GROUP_NAME[name].code for name in names if name in ROLES_BY_GROUP_NAME}


def may_oversee_staff(user: AbstractBaseUser) -> bool:
    """Heads (and superusers) watch staff administration and decide role requests."""
    return user.is_authenticated and user.is_active and user.has_perm(MANAGE_CASE)


def may_decide_role_request(user: AbstractBaseUser, role_request: RoleRequest) -> bool:
    """A second person decides: neither the one who asked nor the one who would get the role."""
    return may_oversee_staff(user) and user.pk not in (
        role_request.user_id,
        role_request.requested_by_id,
    )


def pending_role_requests() -> QuerySet:
    return RoleRequest.objects.filter(status=RoleRequest.Status.PENDING).select_related(
        "user", "requested_by"
    )


def staff_events() -> QuerySet:
    """Changes to accounts, roles and permissions, newest first."""
    return AuditEvent.objects.filter(action__in=STAFF_ACTIONS).order_by("-pk")


# Staff administration: the administrator's page of people, roles, positions and NIPs.

CHANGE_USER = "auth.change_user"
# The role filter's value for people who hold no role at all.
NO_ROLE = "none"
# viewflow's statuses of a task someone still has to do (flows.services.OPEN_TASK_STATUSES).
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def may_administer_staff(user: AbstractBaseUser) -> bool:
    """The administrator (and superusers) add, change and deactivate staff accounts."""
    return user.is_authenticated and user.is_active and user.has_perm(CHANGE_USER)


def may_change_staff_member(actor: AbstractBaseUser, user: AbstractBaseUser) -> bool:
    """Whether `actor` may change this account at all.

    Nobody changes their own account here (their roles and status are for someone else to
    decide), and a superuser's account is read-only to everyone but superusers.
    """
    return (
        may_administer_staff(actor)
        and actor.pk != user.pk
        and (actor.is_superuser or not user.is_superuser)
    )


def invitation_pending(user: AbstractBaseUser) -> bool:
    """Nobody has used the account yet: its address can still be corrected without risk."""
    return user.last_login is None and not user.has_usable_password()


def may_change_email(actor: AbstractBaseUser, user: AbstractBaseUser) -> bool:
    """Only a superuser moves the address of an account in use, where the reset links go.

    Otherwise an administrator could send a colleague's reset link to an address of their own
    and log in as them.
    """
    return actor.is_superuser or invitation_pending(user)


def pending_role_codes(user: AbstractBaseUser) -> set[str]:
    """The roles requested for the person that still wait for a head's confirmation."""
    return set(
        RoleRequest.objects.filter(user=user, status=RoleRequest.Status.PENDING).values_list(
            "role", flat=True
        )
    )


def held_roles(user: AbstractBaseUser) -> list[Role]:
    """The person's roles in declaration order, from their prefetched groups when there are."""
    names = {group.name for group in user.groups.all()}
    return [role for role in ROLES if role.group_name in names]


def staff_directory(
    *, query: str = "", role_code: str = "", active: bool | None = None
) -> QuerySet:
    """People for the administrator's staff page, in a fixed number of queries however many.

    Each word of `query` must be found in the login name, the name, the e-mail address, the
    position or the NIP.
    """
    people = (
        get_user_model()
        .objects.select_related("lk3_profile")
        .prefetch_related(
            "groups",
            Prefetch(
                "role_requests",
                queryset=RoleRequest.objects.filter(status=RoleRequest.Status.PENDING),
                to_attr="pending_requests",
            ),
        )
        .order_by("-is_active", "first_name", "last_name", "username")
    )
    for word in query.split():
        people = people.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(lk3_profile__position__icontains=word)
            | Q(lk3_profile__nip__icontains=word)
        )
    if role_code == NO_ROLE:
        people = people.exclude(groups__name__in=[role.group_name for role in ROLES])
    elif role_code in ROLES_BY_CODE:
        people = people.filter(groups__name=ROLES_BY_CODE[role_code].group_name)
    if active is not None:
        people = people.filter(is_active=active)
    return people


def username_taken(username: str, *, other_than: AbstractBaseUser | None = None) -> bool:
    """Whether another account has this login name, whatever its letter case."""
    accounts = get_user_model().objects.filter(username__iexact=username)
    if other_than is not None:
        accounts = accounts.exclude(pk=other_than.pk)
    return accounts.exists()


def open_work_count(user: AbstractBaseUser) -> int:
    """The open tasks a person owns and the open cases they counsel: what a head hands over
    once the person is deactivated (a number only; the administrator sees no case)."""
    tasks = Task.objects.filter(owner=user, status__in=OPEN_TASK_STATUSES).count()
    return tasks + Case.objects.filter(counselor=user, status=CaseStatus.OPEN).count()
