"""Reads of reminders: which session a client may be reminded of, and what the case page shows
about it to those who may remind."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from letters.selectors import institution_profile
from lk3_flow.choices import CaseStatus
from lk3_flow.models import Case, CounselingSession
from permissions.selectors import CaseAccess, may_keep_case_notes

from . import messages
from .models import Channel, Reminder


def upcoming_session(case: Case) -> CounselingSession | None:
    """The session whose next date the client is reminded of: the latest recorded, while the
    next session it scheduled is still to come. A later session recorded supersedes it, as on
    the counselor's week (`home.selectors.sessions_this_week`)."""
    latest = case.sessions.order_by("-pk").first()
    if latest is None or latest.next_session_at is None:
        return None
    return latest if latest.next_session_at > timezone.now() else None


def may_remind(user: AbstractBaseUser, case: Case, access: CaseAccess | None = None) -> bool:
    """Reminders are sent by those who keep the case's contact log, on an open case."""
    return case.status == CaseStatus.OPEN and may_keep_case_notes(user, case, access)


@dataclass(frozen=True)
class ReminderCard:
    """What the case page offers: the message as it will be sent, the channels the client can
    be reached by, and the reminders already sent of this session."""

    session: CounselingSession
    message: str
    whatsapp: bool
    email: bool
    sent: list[Reminder]


def reminder_card(
    user: AbstractBaseUser, case: Case, access: CaseAccess | None = None
) -> ReminderCard | None:
    if not may_remind(user, case, access):
        return None
    session = upcoming_session(case)
    if session is None:
        return None
    client = case.client
    return ReminderCard(
        session=session,
        message=messages.reminder_text(
            client=client, when=session.next_session_at, profile=institution_profile()
        ),
        whatsapp=bool(messages.whatsapp_number(client.phone)),
        email=bool(client.email),
        sent=list(session.reminders.select_related("prepared_by").order_by("-created_at", "-pk")),
    )


def whatsapp_reminder(case: Case, reminder_pk: int) -> Reminder | None:
    return (
        Reminder.objects.filter(pk=reminder_pk, case=case, channel=Channel.WHATSAPP)
        .select_related("session", "case__client")
        .first()
    )


@dataclass(frozen=True)
class PreparedMessage:
    text: str
    link: str  # empty when the client has no phone number any more


def prepared_whatsapp(reminder: Reminder) -> PreparedMessage:
    """A WhatsApp reminder's message and its click-to-chat link, from the client's phone number
    as it is now."""
    client = reminder.case.client
    text = messages.reminder_text(
        client=client, when=reminder.session.next_session_at, profile=institution_profile()
    )
    number = messages.whatsapp_number(client.phone)
    return PreparedMessage(text, messages.whatsapp_link(number, text) if number else "")
