"""E-mail that goes out through the job queue at least once and is sent at most once.

A row of a model with `EmailDelivery`'s fields is one message to send. The job queue runs the
sender (at least once: `requeue` hands it again whatever it lost); `send_once` claims the row in
a committed update before the message leaves and records it sent right after, so a job run twice
sends once. A worker killed in between leaves a claim that expires after
NOTIFICATION_EMAIL_LEASE, and the message is sent again; a server that accepted it and a worker
that died before recording it is the one window in which a message goes twice (SMTP has no way
to ask). A message that keeps failing is retried, each time waiting twice as long, then given up
and marked so.
"""

import datetime
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)


class EmailDelivery(models.Model):
    """The delivery state of one message."""

    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE)


def send_once(
    pending: models.QuerySet,
    pk: int,
    *,
    compose: Callable[[models.Model], EmailMessage],
    retry_at: Callable[[datetime.datetime], None],
) -> bool:
    """Send the message of row `pk` of `pending` (the rows that want sending) if nobody has;
    True when this call sent it. On failure `retry_at` queues the row again for later."""
    now = timezone.now()
    claimed = (
        pending.filter(pk=pk, emailed_at=None, email_failed_at=None)
        .filter(Q(email_claimed_at=None) | Q(email_claimed_at__lt=now - _lease()))
        .update(email_claimed_at=now, email_attempts=F("email_attempts") + 1)
    )
    if not claimed:
        return False
    row = pending.get(pk=pk)
    try:
        compose(row).send()
    except Exception:
        _after_failure(row, retry_at)
        return False
    type(row).objects.filter(pk=pk).update(emailed_at=timezone.now())
    return True


def _after_failure(row: EmailDelivery, retry_at: Callable[[datetime.datetime], None]) -> None:
    label = f"{row._meta.label} {row.pk}"
    attempts = row.email_attempts
    same = type(row).objects.filter(pk=row.pk)
    if attempts >= settings.NOTIFICATION_EMAIL_ATTEMPTS:
        same.update(email_claimed_at=None, email_failed_at=timezone.now())
        logger.error("%s: e-mail failed %s times; given up.", label, attempts)
        return
    same.update(email_claimed_at=None)
    logger.warning("%s: e-mail failed (attempt %s); retrying.", label, attempts)
    wait = settings.NOTIFICATION_EMAIL_RETRY_SECONDS * 2 ** (attempts - 1)
    retry_at(timezone.now() + datetime.timedelta(seconds=wait))


# Messages handed to the queue again per round: a backlog after an outage goes over a few rounds.
REQUEUE_BATCH = 5000


def requeue(
    pending: models.QuerySet,
    *,
    now: datetime.datetime,
    enqueue: Callable[[list[int]], None],
) -> int:
    """Hand `enqueue` again, by id, the rows of `pending` (those that want sending) the queue
    lost: never claimed a while after they were made (`created_at`), or claimed by a worker
    that did not finish within the lease. Returns how many."""
    lease = _lease()
    lost = pending.filter(emailed_at=None, email_failed_at=None).filter(
        Q(email_claimed_at=None, created_at__lt=now - lease) | Q(email_claimed_at__lt=now - lease)
    )
    ids = list(lost.values_list("pk", flat=True)[:REQUEUE_BATCH])
    if ids:
        enqueue(ids)
    return len(ids)


def message_id(kind: str, pk: int) -> str:
    """One id per message: a receiving server that sees it twice can tell."""
    domain = urlsplit(settings.LK3_PUBLIC_URL).hostname or "localhost"
    return f"<{kind}-{pk}@{domain}>"
