"""Every change to an account, a group membership or a permission becomes a chained audit event.

Accounts, groups and their permissions are Django's own models, written by the admin, by
`createsuperuser`, by a shell and by our services alike. Observing their saves and their
many-to-many changes here records all of them, whoever wrote them, in the transaction of the
change: who (the audit context's actor), whom (the account or group), and the values before and
after. Password hashes never reach the log; a changed password shows as a mask.

Like every signal-based record, this misses `QuerySet.update()`, raw SQL and writes to the
through tables themselves; the project's code makes none of those on these tables.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import Group
from django.db import models
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from audit.models import Action
from audit.services import field_changes, record

TRACKED_USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)
# What the log shows for a password: whether there is one, never what it is.
PASSWORD_MASK = "••••••"


def _user_details(user: Any, changes: dict[str, list[Any]]) -> dict[str, Any]:
    return {"user": user.get_username(), "user_id": user.pk, "changes": changes}


def _password_shown(encoded: str | None) -> str | None:
    return PASSWORD_MASK if is_password_usable(encoded) else None


def _is_rehash(user: Any, update_fields: Iterable[str] | None) -> bool:
    """Django re-encodes a password in a stronger hash at login: the same password, no change.

    It saves only the password, after `check_password` has cleared the plain text that a real
    `set_password` keeps until the save.
    """
    return (
        update_fields is not None
        and set(update_fields) == {"password"}
        and getattr(user, "_password", None) is None
    )


def _remember_user(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    instance._staff_audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login; the login itself is its own event
    instance._staff_audit_before = (
        sender._default_manager.filter(pk=instance.pk)
        .values(*TRACKED_USER_FIELDS, "password")
        .first()
    )


def _record_user(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    after = {name: getattr(instance, name) for name in TRACKED_USER_FIELDS}
    if created:
        changes = {name: [None, value] for name, value in after.items() if value not in ("", False)}
        if _password_shown(instance.password):
            changes["password"] = [None, PASSWORD_MASK]
    else:
        before = getattr(instance, "_staff_audit_before", None)
        if before is None:
            return
        old_password = before.pop("password")
        changes = field_changes(before, after)
        if old_password != instance.password and not _is_rehash(
            instance, kwargs.get("update_fields")
        ):
            changes["password"] = [
                _password_shown(old_password),
                _password_shown(instance.password),
            ]
    instance._staff_audit_before = None
    if changes:
        record(Action.STAFF_CHANGED, obj=instance, details=_user_details(instance, changes))


def _record_user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    record(
        Action.STAFF_CHANGED,
        obj=instance,
        details=_user_details(instance, {"username": [instance.get_username(), None]}),
    )


def _remember_group(sender: Any, instance: Group, raw: bool = False, **kwargs: Any) -> None:
    instance._staff_audit_name = (
        None
        if raw or instance._state.adding
        else Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    )


def _record_group_renamed(sender: Any, instance: Group, created: bool, **kwargs: Any) -> None:
    """A new group grants nothing yet (its permissions and members are recorded as they come)."""
    old_name = getattr(instance, "_staff_audit_name", None)
    if not created and old_name is not None and old_name != instance.name:
        record(
            Action.ROLE_CHANGED,
            obj=instance,
            details={"role": instance.name, "changes": {"name": [old_name, instance.name]}},
        )


def _record_group_deleted(sender: Any, instance: Group, **kwargs: Any) -> None:
    """Deleting a group ends its members' memberships without any many-to-many signal."""
    for user in instance.user_set.all():
        names = sorted(user.groups.values_list("name", flat=True))
        after = [name for name in names if name != instance.name]
        record(
            Action.ROLE_CHANGED, obj=user, details=_user_details(user, {"groups": [names, after]})
        )
    record(
        Action.ROLE_CHANGED,
        obj=instance,
        details={"role": instance.name, "changes": {"name": [instance.name, None]}},
    )


@dataclass(frozen=True)
class Relation:
    """A many-to-many relation that decides what someone may do, as its through table sees it."""

    field: str  # the relation's name on the owner, e.g. User.groups
    owner: str  # the through table's key to the owner
    target: str  # the through table's key to the other side
    names: tuple[str, ...]  # the lookups that name a target in the log, joined by "."

    def through(self, owner_model: type[models.Model]) -> Any:
        return owner_model._meta.get_field(self.field).remote_field.through


USER_GROUPS = Relation("groups", "user", "group", ("group__name",))
USER_PERMISSIONS = Relation(
    "user_permissions",
    "user",
    "permission",
    ("permission__content_type__app_label", "permission__codename"),
)
GROUP_PERMISSIONS = Relation(
    "permissions",
    "group",
    "permission",
    ("permission__content_type__app_label", "permission__codename"),
)


def _names(through: Any, relation: Relation, owner_ids: Iterable[int]) -> dict[int, list[str]]:
    owner_ids = list(owner_ids)
    held: dict[int, list[str]] = {owner_id: [] for owner_id in owner_ids}
    rows = through.objects.filter(**{f"{relation.owner}_id__in": owner_ids}).values_list(
        f"{relation.owner}_id", *relation.names
    )
    for owner_id, *parts in rows:
        held[owner_id].append(".".join(parts))
    return {owner_id: sorted(names) for owner_id, names in held.items()}


def _owner_ids(
    through: Any, relation: Relation, instance: Any, reverse: bool, action: str, pk_set: Any
) -> list[int]:
    """Whose rights the change touches: the instance, or the owners named from the other side."""
    if not reverse:
        return [instance.pk]
    if action == "pre_clear":
        return list(
            through.objects.filter(**{f"{relation.target}_id": instance.pk}).values_list(
                f"{relation.owner}_id", flat=True
            )
        )
    return sorted(pk_set or ())


def _relation_watcher(relation: Relation, owner_model: type[models.Model], describe: Any) -> Any:
    """A receiver that notes the owners' names before the change and records what differs after."""

    def changed(
        sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
    ) -> None:
        remembered = instance.__dict__.setdefault("_staff_audit_relations", {})
        if action.startswith("pre_"):
            owner_ids = _owner_ids(sender, relation, instance, reverse, action, pk_set)
            remembered[sender] = _names(sender, relation, owner_ids)
            return
        before = remembered.pop(sender, None)
        if not before:
            return
        after = _names(sender, relation, before)
        owners = {instance.pk: instance} if not reverse else owner_model.objects.in_bulk(before)
        for owner_id, names in before.items():
            if after[owner_id] != names:
                owner = owners[owner_id]
                changes = {relation.field: [names, after[owner_id]]}
                record(Action.ROLE_CHANGED, obj=owner, details=describe(owner, changes))

    return changed


def _group_details(group: Group, changes: dict[str, list[Any]]) -> dict[str, Any]:
    return {"role": group.name, "changes": changes}


def connect() -> None:
    user_model = get_user_model()
    pre_save.connect(_remember_user, sender=user_model, dispatch_uid="staff-audit-user-pre")
    post_save.connect(_record_user, sender=user_model, dispatch_uid="staff-audit-user")
    pre_delete.connect(
        _record_user_deleted, sender=user_model, dispatch_uid="staff-audit-user-deleted"
    )
    pre_save.connect(_remember_group, sender=Group, dispatch_uid="staff-audit-group-pre")
    post_save.connect(_record_group_renamed, sender=Group, dispatch_uid="staff-audit-group")
    pre_delete.connect(_record_group_deleted, sender=Group, dispatch_uid="staff-audit-group-del")
    for relation, owner_model, describe in (
        (USER_GROUPS, user_model, _user_details),
        (USER_PERMISSIONS, user_model, _user_details),
        (GROUP_PERMISSIONS, Group, _group_details),
    ):
        m2m_changed.connect(
            _relation_watcher(relation, owner_model, describe),
            sender=relation.through(owner_model),
            weak=False,
            dispatch_uid=f"staff-audit-{owner_model._meta.label}-{relation.field}",
        )
