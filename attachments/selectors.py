"""Reads of attachments, and who may do what with them.

Seeing a case's attachments takes what seeing its whole file takes (`case_access` FULL). The
intake officer who registered a case brings in the papers of registration (the signed consent
statement, the KTP and KK scans) while the case is open and they still have their access to it,
and reads back only what they brought in themselves.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case
from permissions.roles import AUDIT_CASE, MANAGE_CASE, REGISTER_CASE
from permissions.selectors import CaseAccess

from .models import Attachment, AttachmentKind

REGISTRATION_KINDS = (
    AttachmentKind.SIGNED_CONSENT,
    AttachmentKind.KTP_SCAN,
    AttachmentKind.KK_SCAN,
)


def _acting(user: AbstractBaseUser) -> bool:
    """Auditors read and never change, whatever other role they also hold."""
    return user.is_authenticated and user.is_active and not user.has_perm(AUDIT_CASE)


def kinds_user_may_add(user: AbstractBaseUser, case: Case, access: CaseAccess) -> list[str]:
    """The kinds of attachment this user may add to the case now; none: no upload at all.

    `access` is what `case_access` answered for this user and case just before.
    """
    if not _acting(user) or access == CaseAccess.NONE:
        return []
    if access == CaseAccess.FULL and user.has_perm(MANAGE_CASE):
        return list(AttachmentKind.values)
    if case.status != CaseStatus.OPEN:
        return []
    if access == CaseAccess.FULL and case.counselor_id == user.pk:
        return list(AttachmentKind.values)
    if access == CaseAccess.REGISTRATION and user.has_perm(REGISTER_CASE):
        return [str(kind) for kind in REGISTRATION_KINDS]
    return []


def attachments_readable_by(user: AbstractBaseUser, case: Case, access: CaseAccess) -> QuerySet:
    """The case's attachments this user may list and download, oldest first, in one query."""
    attachments = (
        Attachment.objects.filter(case=case)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    if access == CaseAccess.FULL:
        return attachments
    if access == CaseAccess.REGISTRATION:
        return attachments.filter(uploaded_by=user)
    return attachments.none()


def attachment_rows(
    user: AbstractBaseUser, case: Case, access: CaseAccess
) -> list[tuple[Attachment, bool]]:
    """What the case page lists: each readable attachment, and whether the user may remove it."""
    rows = []
    for attachment in attachments_readable_by(user, case, access):
        attachment.case = case  # already loaded: no query per row
        rows.append((attachment, may_remove(user, attachment, access)))
    return rows


def may_remove(user: AbstractBaseUser, attachment: Attachment, access: CaseAccess) -> bool:
    """A wrongly uploaded file goes by a head's hand, or by its uploader's while the case is
    open; a file erased with the client's data is a record that stays."""
    if not _acting(user) or attachment.erased_at is not None or access == CaseAccess.NONE:
        return False
    if access == CaseAccess.FULL and user.has_perm(MANAGE_CASE):
        return True
    return attachment.uploaded_by_id == user.pk and attachment.case.status == CaseStatus.OPEN


def consent_documented(case: Case) -> bool:
    """Whether the client's signed consent statement came back and is on file."""
    return Attachment.objects.filter(case=case, kind=AttachmentKind.SIGNED_CONSENT).exists()
