"""Which values of the case domain are a client's personal data, and whose they are.

The audit log encrypts these with the client's key (`audit.personal`); erasing a client destroys it.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from audit import personal
from permissions.roles import ADMINISTRATOR, HEAD

from .models import Case

# Every value of the client that registration records. `kind` (person, group, institution) is
# not: it is how reports count clients and tells nothing about who they are.
CLIENT_FIELDS = frozenset(
    {
        "full_name",
        "nik",
        "family_card_number",
        "sex",
        "birth_date",
        "address",
        "kecamatan",
        "desa",
        "phone",
        "email",
    }
)
# The household as the audit log lists it, names and NIKs among it (`services._household_lines`).
HOUSEHOLD_FIELD = "members"
# The case's own narratives, which tell a family's story in the words of the first contact.
# The rest of a case (number, categories, services, channel, consent, stage) is kept clear.
CASE_FIELDS = frozenset({"complaint", "withdrawal_reason"})
# The roles that may erase a client: the head decides on a request; the administrator carries
# out the office's decisions on data.
ERASING_ROLES = (HEAD.group_name, ADMINISTRATOR.group_name)


# What the apps built on the case domain keep of a client's cases and must empty on erasure:
# each declares its step (`declare_erasure`, in its AppConfig.ready), since this domain cannot
# import them. A step gets the ids of the client's cases, inside the erasure's transaction.
_erasure_steps: dict[str, Callable[[list[int]], None]] = {}


def declare_erasure(name: str, step: Callable[[list[int]], None]) -> None:
    _erasure_steps[name] = step


def erase_declared(case_ids: list[int]) -> None:
    for step in _erasure_steps.values():
        step(case_ids)


def subject(client_id: int) -> str:
    return f"client:{client_id}"


def may_erase(user: AbstractBaseUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name__in=ERASING_ROLES).exists()
    )


def _subject_of_client_event(event: Any) -> str | None:
    return subject(int(event.object_id)) if event.object_id else None


def _subject_of_case_event(event: Any) -> str | None:
    client_id = Case.objects.filter(pk=event.case_id).values_list("client_id", flat=True).first()
    return subject(client_id) if client_id is not None else None


def declare_clear_fields() -> None:
    """Tell the audit log whose personal values its events from before encryption hold in clear."""
    personal.declare_clear_fields("lk3_flow.Client", CLIENT_FIELDS, _subject_of_client_event)
    personal.declare_clear_fields("lk3_flow.Case", CASE_FIELDS, _subject_of_case_event)
