"""Telling people what waits for them: notifications made, e-mailed, read, and the timers that
make them when work passes its due date.

Every notification is a row made in the transaction of the event it tells of, unique per
person and event, so an event told twice still tells each person once. E-mail goes through the
job queue after commit, at least once and at most once (`lk3_flow.outbox`).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lk3_flow import outbox
from lk3_flow.choices import HEAD_STAGES, CaseStatus, Stage
from lk3_flow.models import Case
from permissions.roles import HEAD
from permissions.selectors import users_with_role
from workdays.selectors import office_calendar

from . import messages
from .models import Kind, Notification, Preference

# E-mails per job: one job per message would make ten thousand overdue reports ten thousand
# rows of the queue.
EMAILS_PER_JOB = 50
# Overdue cases claimed per transaction by the escalation timer.
TIMERS_PER_BATCH = 500


@dataclass(frozen=True)
class Event:
    """One thing that happened, to be told to some people."""

    kind: str
    recipients: Sequence[AbstractBaseUser]
    key: str
    case: Case | None = None
    figures: dict[str, int] = field(default_factory=dict)


def notify(
    *,
    kind: str,
    recipients: Iterable[AbstractBaseUser],
    event_key: str,
    case: Case | None = None,
    figures: dict[str, int] | None = None,
) -> int:
    """Tell each recipient of one event; see `notify_all`."""
    return notify_all([Event(kind, list(recipients), event_key, case, figures or {})])


def notify_all(events: Sequence[Event]) -> int:
    """Tell each recipient of each event, by the channels each has chosen, in four queries
    whatever the number of events; returns how many notifications were made (none for a person
    told of an event before)."""
    people = {person.pk: person for event in events for person in event.recipients}
    kinds = {event.kind for event in events}
    choices = {
        (preference.user_id, preference.kind): preference
        for preference in Preference.objects.filter(user_id__in=people, kind__in=kinds)
    }
    rows = []
    for event in events:
        for person in event.recipients:
            if not person.is_active:
                continue
            choice = choices.get((person.pk, event.kind))
            in_app = choice.in_app if choice else True
            by_email = (choice.by_email if choice else True) and bool(person.email)
            if in_app or by_email:
                rows.append(
                    Notification(
                        recipient_id=person.pk,
                        kind=event.kind,
                        event_key=event.key,
                        case=event.case,
                        figures=event.figures,
                        in_app=in_app,
                        by_email=by_email,
                    )
                )
    if not rows:
        return 0
    told_before = set(
        Notification.objects.filter(
            event_key__in={row.event_key for row in rows},
            recipient_id__in={row.recipient_id for row in rows},
        ).values_list("recipient_id", "event_key")
    )
    rows = [row for row in rows if (row.recipient_id, row.event_key) not in told_before]
    if not rows:
        return 0
    # A scheduler at work beside this one may have told someone since: the constraint keeps it
    # to one notification, and the claim in `send_email` to one message.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    emailed = [row for row in rows if row.by_email]
    if emailed:
        # bulk_create with ignore_conflicts returns no ids on every database: read them back.
        _queue_emails(
            Notification.objects.filter(
                event_key__in={row.event_key for row in emailed},
                recipient_id__in={row.recipient_id for row in emailed},
                by_email=True,
                emailed_at=None,
                email_claimed_at=None,
            ).values_list("pk", flat=True)
        )
    return len(rows)


def _queue_emails(notification_ids: Iterable[int]) -> None:
    from .tasks import deliver_emails

    ids = list(notification_ids)
    for start in range(0, len(ids), EMAILS_PER_JOB):
        chunk = ids[start : start + EMAILS_PER_JOB]
        transaction.on_commit(lambda chunk=chunk: deliver_emails.enqueue(chunk))


def send_email(*, notification_id: int) -> bool:
    """Send one notification's e-mail if nobody has (`lk3_flow.outbox`)."""
    return outbox.send_once(
        Notification.objects.filter(by_email=True).select_related("recipient", "case"),
        notification_id,
        compose=_email_of,
        retry_at=lambda moment: _retry(notification_id, moment),
    )


def _retry(notification_id: int, moment: datetime.datetime) -> None:
    from .tasks import deliver_emails

    deliver_emails.using(run_after=moment).enqueue([notification_id])


def _email_of(notification: Notification) -> EmailMessage:
    """The message as the recipient reads it: what happened, the case number and a link."""
    base = settings.LK3_PUBLIC_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "notification": notification,
            "headline": messages.headline(notification),
            "link": base + target_of(notification),
            "preferences": base + reverse("notifications:preferences"),
        }
        subject = f"LK3 Flow: {context['headline']}"
        body = render_to_string("notifications/email.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[notification.recipient.email],
        headers={"Message-ID": outbox.message_id("notification", notification.pk)},
    )


def target_of(notification: Notification) -> str:
    """Where a notification leads: its case's page (which checks who may see it), else home."""
    if notification.case_id:
        return reverse("cases:detail", args=[notification.case_id])
    return reverse("index")


def requeue_lost_emails(*, now: datetime.datetime | None = None) -> int:
    """Hand the queue again the e-mails it lost (`lk3_flow.outbox.requeue`)."""
    return outbox.requeue(
        Notification.objects.filter(by_email=True),
        now=now or timezone.now(),
        enqueue=_queue_emails,
    )


def task_waiting(*, case: Case, stage: str, task_id: int, returned: bool, left: str = "") -> None:
    """A step of the case waits for someone: heads for a decision, the counselor for returned
    work. A counselor's ordinary next step (another session) tells nobody: it is in their inbox.
    A head's decision just taken (`left`) is no longer news: its notifications count as read."""
    if left in HEAD_STAGES:
        Notification.objects.filter(case=case, kind=Kind.DECISION_WAITING, read_at=None).update(
            read_at=timezone.now()
        )
    step = {"step": stage}
    if stage in HEAD_STAGES:
        notify(
            kind=Kind.DECISION_WAITING,
            recipients=users_with_role(HEAD),
            event_key=f"waiting:{task_id}",
            case=case,
            figures=step,
        )
    elif returned and case.counselor_id:
        notify(
            kind=Kind.WORK_RETURNED,
            recipients=[case.counselor],
            event_key=f"returned:{task_id}",
            case=case,
            figures=step,
        )


def case_assigned(*, case: Case, counselor: AbstractBaseUser) -> None:
    notify(
        kind=Kind.TASK_ASSIGNED,
        recipients=[counselor],
        event_key=f"assigned:{case.pk}:{counselor.pk}:{_stamp(timezone.now())}",
        case=case,
    )


def _stamp(moment: datetime.datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def fire_due_timers(*, now: datetime.datetime | None = None) -> int:
    """Report every wait that has passed its due date, once: to the heads for a counselor's
    step, to the Penanggung Jawab for a head's decision, and to the counselor whose work it is.

    Each batch claims its cases (`overdue_reported_at`) in the transaction that makes their
    notifications; on PostgreSQL a second scheduler skips the rows the first holds, and a case
    claimed is no longer due, so each timer fires once however many schedulers run.
    """
    now = now or timezone.now()
    fired = 0
    heads = list(users_with_role(HEAD))
    answerable = [head for head in heads if _is_responsible(head)] or heads
    while True:
        with transaction.atomic():
            due = list(
                Case.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=CaseStatus.OPEN, overdue_reported_at=None, due_at__lt=now)
                .select_related("counselor")
                .order_by("due_at")[:TIMERS_PER_BATCH]
            )
            if not due:
                return fired
            Case.objects.filter(pk__in=[case.pk for case in due]).update(overdue_reported_at=now)
            notify_all(
                [
                    event
                    for case in due
                    for event in _overdue_events(
                        case, claimed_at=now, heads=heads, answerable=answerable
                    )
                ]
            )
        fired += len(due)


def _overdue_events(
    case: Case,
    *,
    claimed_at: datetime.datetime,
    heads: list[AbstractBaseUser],
    answerable: list[AbstractBaseUser],
) -> list[Event]:
    # The claim makes each wait fire once; its time tells two waits of one day apart.
    key = f"overdue:{case.pk}:{_stamp(claimed_at)}"
    step = {"step": case.stage}
    if case.stage in HEAD_STAGES:
        return [Event(Kind.OVERDUE, answerable, key, case, step)]
    events = [Event(Kind.OVERDUE, heads, key, case, step)]
    if case.counselor_id:
        kind = Kind.PARTNER_RESPONSE_DUE if case.stage == Stage.PARTNER_RESPONSE else Kind.OVERDUE
        events.append(Event(kind, [case.counselor], key, case, step))
    return events


def _is_responsible(user: AbstractBaseUser) -> bool:
    profile = getattr(user, "lk3_profile", None)
    return bool(profile and profile.responsible_head)


def send_daily_digest(*, now: datetime.datetime | None = None) -> int:
    """Each head's morning figures, once a working day from DIGEST_HOUR: counts only. Not on
    weekends, national holidays, cuti bersama or the office's own days off (`workdays`)."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.NOTIFICATION_DIGEST_HOUR:
        return 0
    if not office_calendar().is_working_day(now.date()):
        return 0
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    figures = {
        "decisions": open_cases.filter(stage__in=HEAD_STAGES).count(),
        "overdue": open_cases.filter(due_at__lt=now).count(),
        "registered": Case.objects.filter(created_at__gte=now - datetime.timedelta(days=1)).count(),
    }
    with transaction.atomic():
        return notify(
            kind=Kind.DAILY_DIGEST,
            recipients=users_with_role(HEAD),
            event_key=f"digest:{now.date().isoformat()}",
            figures=figures,
        )


def open_notification(*, user: AbstractBaseUser, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read; None when it is not theirs."""
    notification = (
        Notification.objects.filter(pk=notification_id, recipient=user, in_app=True)
        .select_related("case")
        .first()
    )
    if notification and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read_at=None).update(
        read_at=timezone.now()
    )


@transaction.atomic
def save_preferences(*, user: AbstractBaseUser, choices: dict[str, tuple[bool, bool]]) -> None:
    """Keep the person's choice per kind: (in the app, by e-mail)."""
    for kind, (in_app, by_email) in choices.items():
        Preference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "by_email": by_email}
        )
