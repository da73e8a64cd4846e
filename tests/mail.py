"""A real SMTP server for the tests that send e-mail (aiosmtpd), and the job queue's worker run
by hand: the e-mail goes out as in production, through the queue of the settings (the database
by default, Redis when JOB_QUEUE_URL is set)."""

import asyncio
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command


class Inbox:
    """What the SMTP server accepted. `hold` makes the next message wait in DATA until
    `release`, then refuses it, as a server does whose client went away."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.hold = False
        self.entered = threading.Event()
        self.released = threading.Event()
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.hold:
            self.hold = False
            self.entered.set()
            await _wait_for(self.released)
            return "451 Requested action aborted"
        if self.refuse:
            self.refuse -= 1
            return "421 Service not available, try again"
        self.accepted.append(envelope.content.decode())
        return "250 OK"


async def _wait_for(event: threading.Event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.05)


@pytest.fixture
def inbox(settings):
    """The SMTP server the site sends to, for one test (registered in conftest.py)."""
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # A fixed greeting name: the server would otherwise look its own up (getfqdn) on every
    # connection, which waits on DNS where a resolver is slow and outlasts the client's timeout.
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield handler
    handler.released.set()
    controller.stop()


def work_the_queue() -> None:
    """Run every job the queue holds, as its worker does, then return."""
    if settings.JOB_QUEUE_URL:
        import django_rq
        from rq import SimpleWorker

        django_rq.get_worker(
            "default", worker_class=SimpleWorker, job_class="django_tasks_rq.Job"
        ).work(burst=True, with_scheduler=True)
    else:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
        earlier = set(failed.values_list("pk", flat=True))
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
        # The worker records a job that raised and says nothing: a test should hear of it.
        for job in failed.exclude(pk__in=earlier):
            raise AssertionError(f"The job {job.task_path} failed:\n{job.traceback}")


def queue_state() -> str:
    """What the database queue holds, for a failure message: each job and how it stands."""
    from django_tasks_db.models import DBTaskResult

    jobs = DBTaskResult.objects.order_by("enqueued_at").values_list(
        "task_path", "status", "enqueued_at", "run_after", "args_kwargs"
    )
    return "\n".join(map(str, jobs)) or "no job"
