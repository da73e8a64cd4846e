"""Reminding a client of their next session: recorded in the case's contact log, and sent by
WhatsApp (the person sends the prepared message from their phone) or by e-mail through the job
queue, at most once (`lk3_flow.outbox`)."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casenotes import services as casenotes
from casenotes.models import ContactKind
from letters.selectors import institution_profile
from lk3_flow import outbox
from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case
from permissions.selectors import may_keep_case_notes

from . import messages, selectors
from .models import Channel, Reminder

# Whom the contact log names for a reminder: the client, by role, not by name.
THE_CLIENT = "Klien"


@transaction.atomic
def remind_client(*, case: Case, actor: AbstractBaseUser, channel: str) -> Reminder:
    """Remind the case's client of the next session by `channel`.

    A head or the case's counselor, on an open case with a next session still to come; the
    client needs a phone number for WhatsApp, an e-mail address for e-mail. The reminder goes
    into the contact log (its event in the audit log encrypted with the client's key). An
    e-mail is queued once the transaction commits; a WhatsApp message is the caller's to open
    (`selectors.prepared_whatsapp`).
    """
    if not may_keep_case_notes(actor, case):
        raise PermissionDenied(_("Only a head or the case's counselor may remind the client."))
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("This case is no longer open: its client is not reminded."))
    session = selectors.upcoming_session(case)
    if session is None:
        raise ValidationError(
            _("No next session is scheduled: a reminder needs a session date still to come.")
        )
    client = case.client
    if channel == Channel.WHATSAPP:
        if not messages.whatsapp_number(client.phone):
            raise ValidationError(_("The client has no phone number to send a WhatsApp message."))
    elif channel == Channel.EMAIL:
        if not client.email:
            raise ValidationError(_("The client has no e-mail address."))
    else:
        raise ValidationError(_("Choose WhatsApp or e-mail."))
    # The contact log's entry locks the client and the case, and checks them again under lock.
    casenotes.log_contact(
        actor=actor,
        case=case,
        kind=ContactKind.EMAIL if channel == Channel.EMAIL else ContactKind.MESSAGE,
        contacted_at=timezone.now(),
        with_whom=THE_CLIENT,
        summary=messages.contact_summary(
            when=session.next_session_at, by_email=channel == Channel.EMAIL
        ),
    )
    if channel == Channel.EMAIL and _waiting(session.reminders).exists():
        # A second tap of the button, or a colleague's at the same moment: one e-mail is enough.
        raise ValidationError(_("A reminder e-mail of this session is already waiting to be sent."))
    reminder = Reminder.objects.create(
        case=case, session=session, channel=channel, prepared_by=actor
    )
    if channel == Channel.EMAIL:
        _queue_emails([reminder.pk])
    return reminder


def _waiting(reminders: models.QuerySet) -> models.QuerySet:
    return reminders.filter(channel=Channel.EMAIL, emailed_at=None, email_failed_at=None)


def _pending() -> models.QuerySet:
    """The e-mail reminders that want sending: not those of a client without an address any
    more (corrected, or erased), which would only fail."""
    return (
        Reminder.objects.filter(channel=Channel.EMAIL)
        .exclude(case__client__email="")
        .select_related("case__client", "session")
    )


def send_reminder_email(*, reminder_id: int) -> bool:
    """Send one reminder's e-mail if nobody has (`lk3_flow.outbox`)."""
    return outbox.send_once(
        _pending(),
        reminder_id,
        compose=_email_of,
        retry_at=lambda moment: _retry(reminder_id, moment),
    )


def _retry(reminder_id: int, moment: datetime.datetime) -> None:
    from .tasks import deliver_reminder

    deliver_reminder.using(run_after=moment).enqueue(reminder_id)


def _email_of(reminder: Reminder) -> EmailMessage:
    """The message the case page showed, from the office; a reply goes to the institution's
    address, since the sender's is not read."""
    profile = institution_profile()
    client = reminder.case.client
    return EmailMessage(
        subject=messages.email_subject(profile),
        body=messages.reminder_text(
            client=client, when=reminder.session.next_session_at, profile=profile
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[client.email],
        reply_to=[profile.email] if profile.email else None,
        headers={"Message-ID": outbox.message_id("reminder", reminder.pk)},
    )


def requeue_lost_emails(*, now: datetime.datetime | None = None) -> int:
    """Hand the queue again the reminder e-mails it lost (`lk3_flow.outbox.requeue`)."""
    return outbox.requeue(_pending(), now=now or timezone.now(), enqueue=_queue_emails)


def _queue_emails(reminder_ids: list[int]) -> None:
    from .tasks import deliver_reminder

    for pk in reminder_ids:
        transaction.on_commit(lambda pk=pk: deliver_reminder.enqueue(pk))
