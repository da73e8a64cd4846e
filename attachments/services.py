"""Writes of attachments: each one change, its audit event in the same transaction.

A file is written only once its bytes are checked; if anything after that fails, the file goes
with the row (`files`). The name it was uploaded with and its description may name the client
(a KTP scan's file name is often the person's name): events carry them encrypted with the
client's key, so that the client's erasure makes them unreadable in the log too.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import personal
from audit import services as audit
from audit.models import Action
from lk3_flow import personal_data
from lk3_flow.models import Case
from permissions.selectors import case_access

from . import content, selectors
from .files import PRIVATE
from .models import Attachment

# What an attachment holds that may be the client's personal data.
PERSONAL_FIELDS = frozenset({"original_name", "description"})


def _details(attachment: Attachment, values: dict[str, Any], *, removed: bool) -> dict[str, Any]:
    """The event's details: the kind and the file's facts in clear, its names encrypted."""
    changes = {name: [value, None] if removed else [None, value] for name, value in values.items()}
    return {
        **personal.protect_changes(
            personal_data.subject(attachment.case.client_id), changes, PERSONAL_FIELDS
        ),
        "kind": attachment.kind,
    }


@transaction.atomic
def add_attachment(
    *,
    case: Case,
    actor: AbstractBaseUser,
    kind: str,
    description: str,
    filename: str,
    data: bytes,
) -> Attachment:
    """Check the bytes, store them under a random name, and record who added what."""
    if kind not in selectors.kinds_user_may_add(actor, case, case_access(actor, case)):
        raise PermissionDenied(_("You may not add this kind of attachment to this case."))
    checked = content.check_content(data)
    attachment = Attachment(
        case=case,
        kind=kind,
        description=description.strip(),
        original_name=content.safe_filename(filename, checked.extension),
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file", "case", "uploaded_by"])
    # Encrypted before anything is written: an erased client's key refuses it.
    details = _details(
        attachment,
        {
            "kind": kind,
            "original_name": attachment.original_name,
            "description": attachment.description,
            "size": attachment.size,
            "content_type": attachment.content_type,
            "sha256": attachment.sha256,
        },
        removed=False,
    )
    PRIVATE.store(attachment.file, checked.data)
    try:
        attachment.save()
        audit.record(Action.ATTACHMENT_ADDED, case=case, obj=attachment, details=details)
    except BaseException:
        # The transaction rolls back: the file goes now, not at the request's end.
        PRIVATE.delete_now(attachment.file)
        raise
    return attachment


def record_download(*, attachment: Attachment, actor: AbstractBaseUser) -> None:
    """Every download of an attachment is a reading of the case file, and recorded as one."""
    audit.record(
        Action.ATTACHMENT_DOWNLOADED,
        case=attachment.case,
        obj=attachment,
        actor=actor,
        details={"kind": attachment.kind, "sha256": attachment.sha256},
    )


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor: AbstractBaseUser, reason: str) -> None:
    """Take a wrongly uploaded file off the case; its bytes go once the removal commits."""
    attachment = Attachment.objects.select_for_update().select_related("case").get(pk=attachment.pk)
    if not selectors.may_remove(actor, attachment, case_access(actor, attachment.case)):
        raise PermissionDenied(_("You may not remove this attachment."))
    if not reason.strip():
        raise ValidationError(_("A reason for the removal is required."))
    audit.record(
        Action.ATTACHMENT_REMOVED,
        case=attachment.case,
        obj=attachment,
        details={
            **_details(
                attachment,
                {"original_name": attachment.original_name, "description": attachment.description},
                removed=True,
            ),
            "reason": reason.strip(),
            "sha256": attachment.sha256,
        },
    )
    name = attachment.file.name
    attachment.delete()
    if name:
        PRIVATE.delete_after_commit(name)


def erase_attachments(case_ids: list[int]) -> None:
    """On a client's erasure: their cases' files, file names and descriptions go.

    Each row stays, as the record that a document of its kind was on file; the files leave
    storage once the erasure commits. The erasure's own event names the cases.
    """
    attachments = Attachment.objects.select_for_update().filter(
        case_id__in=case_ids, erased_at__isnull=True
    )
    for name in attachments.exclude(file="").values_list("file", flat=True):
        PRIVATE.delete_after_commit(name)
    attachments.update(file="", original_name="", description="", erased_at=timezone.now())
