"""The queue's jobs: the job queue (django-tasks: the database by default, Redis with
JOB_QUEUE_URL) runs them in its own worker, retrying what failed."""

from django_tasks import task

from . import services


@task()
def deliver_emails(notification_ids: list[int]) -> int:
    """Send the e-mails of these notifications; each is sent at most once (see
    `services.send_email`), so a job run twice sends nothing twice."""
    return sum(services.send_email(notification_id=pk) for pk in notification_ids)
