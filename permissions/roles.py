"""The roles of an LK3 office and the model permissions each holds, declared in one place.

A role is a Django group. Object-level rules (which cases a counselor may open) live in
`permissions.selectors`; these are only the coarse capabilities.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

VIEW_PROCESS = "flows.view_caseprocess"
REGISTER_CASE = "lk3_flow.register_case"
MANAGE_CASE = "lk3_flow.manage_case"
AUDIT_CASE = "lk3_flow.audit_case"


@dataclass(frozen=True)
class Role:
    code: str
    group_name: str
    label: str
    permissions: tuple[str, ...]

    @property
    def sees_every_case(self) -> bool:
        """Whether the role opens every case file, the sensitive ones too.

        Such a role is never given by one person alone: the administrator only requests it, and a
        second person (a head or a superuser) confirms it.
        """
        return MANAGE_CASE in self.permissions or AUDIT_CASE in self.permissions


INTAKE_OFFICER = Role(
    code="intake_officer",
    group_name="Petugas Registrasi",
    label=_("Intake officer"),
    permissions=(VIEW_PROCESS, REGISTER_CASE),
)
COUNSELOR = Role(
    code="counselor",
    group_name="Konselor",
    label=_("Counselor"),
    permissions=(VIEW_PROCESS,),
)
HEAD = Role(
    code="head",
    group_name="Pimpinan",
    label=_("Head / Operations manager"),
    permissions=(VIEW_PROCESS, MANAGE_CASE, REGISTER_CASE),
)
AUDITOR = Role(
    code="auditor",
    group_name="Auditor",
    label=_("Auditor"),
    permissions=(VIEW_PROCESS, AUDIT_CASE),
)
ADMINISTRATOR = Role(
    code="administrator",
    group_name="Pengelola",
    label=_("Administrator"),
    permissions=(
        "lk3_flow.view_partner",
        "lk3_flow.add_partner",
        "lk3_flow.change_partner",
        "lk3_flow.view_staffprofile",
        "lk3_flow.add_staffprofile",
        "lk3_flow.change_staffprofile",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "letters.view_institutionprofile",
        "letters.change_institutionprofile",
        "workdays.view_calendarexception",
        "workdays.add_calendarexception",
        "workdays.change_calendarexception",
        "workdays.delete_calendarexception",
        "workdays.view_stepallowance",
        "workdays.add_stepallowance",
        "workdays.change_stepallowance",
        "workdays.delete_stepallowance",
    ),
)

ROLES: tuple[Role, ...] = (INTAKE_OFFICER, COUNSELOR, HEAD, AUDITOR, ADMINISTRATOR)
ROLES_BY_CODE = {role.code: role for role in ROLES}
ROLES_BY_GROUP_NAME = {role.group_name: role for role in ROLES}
CONFIRMED_ROLES: tuple[Role, ...] = tuple(role for role in ROLES if role.sees_every_case)


def role_names_of(user: Any) -> str:
    """The group names of the roles a person holds, in the order roles are declared above."""
    names = set(user.groups.values_list("name", flat=True))
    return ", ".join(role.group_name for role in ROLES if role.group_name in names)
