"""The queue's job for reminder e-mails (django-tasks, as `notifications.tasks`)."""

from django_tasks import task

from . import services


@task()
def deliver_reminder(reminder_id: int) -> bool:
    """Send a reminder's e-mail; sent at most once (see `services.send_reminder_email`), so a job
    run twice sends nothing twice."""
    return services.send_reminder_email(reminder_id=reminder_id)
