import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from audit import sealing
from letters.services import render_pending_letters, void_unused_numbers
from notifications import services as notifications
from reminders import services as reminders

logger = logging.getLogger(__name__)
# How long one round makes letter files before it seals: a backlog after a busy hour must not
# hold the seals beyond their promised bound (AUDIT_SEAL_BOUND), nor a stop asked for.
RENDER_SECONDS_PER_ROUND = 3.0


def render_letters_for_a_while() -> int:
    return render_pending_letters(for_seconds=RENDER_SECONDS_PER_ROUND)


class Command(BaseCommand):
    help = (
        "The site's background work, in rounds every AUDIT_SEAL_INTERVAL seconds: making the "
        "files of the letters issued since the last round, sealing committed audit events into "
        "the chain, recording as void (batal) the letter numbers whose step never completed, "
        "reporting work past its due date, the heads' daily digest, and handing the job queue "
        "again the e-mails it lost (notifications and reminders to clients). "
        "Runs at a lower CPU priority than the pages (LK3_WORKER_NICENESS). Stops after the "
        "round on SIGTERM or SIGINT."
    )
    # What one round does, in order: the files first, so that their events are sealed with it.
    jobs: list[Callable[[], object]] = [
        render_letters_for_a_while,
        sealing.seal_pending,
        void_unused_numbers,
        notifications.fire_due_timers,
        notifications.send_daily_digest,
        notifications.requeue_lost_emails,
        reminders.requeue_lost_emails,
    ]

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one round, then exit.")
        parser.add_argument(
            "--niceness",
            type=int,
            default=None,
            help="CPU niceness to run at (default LK3_WORKER_NICENESS); 0 leaves it as it is.",
        )

    def handle(
        self, *args: Any, once: bool = False, niceness: int | None = None, **options: Any
    ) -> None:
        self.verbosity = options["verbosity"]
        # Rendering letters is the heaviest work of the site: it gives way to the pages people
        # wait for, on the same cores.
        wanted = settings.LK3_WORKER_NICENESS if niceness is None else niceness
        if wanted > os.getpriority(os.PRIO_PROCESS, 0):
            os.setpriority(os.PRIO_PROCESS, 0, wanted)
        stop = threading.Event()
        signals = (signal.SIGTERM, signal.SIGINT)
        previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in signals}
        try:
            while True:
                for job in self.jobs:
                    self._run(job)
                if once or stop.wait(sealing.interval()):
                    return
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self, job: Callable[[], object]) -> None:
        """One job of a round. A failure (the database restarting, say) is logged and the job
        runs again next round: the sealer's transaction rolled back, nothing is half done."""
        # As between requests: a connection the server dropped is replaced, not reused.
        close_old_connections()
        try:
            result = job()
        except Exception:
            logger.exception("Background job %s failed; retrying next round.", job.__qualname__)
            return
        if result and self.verbosity > 1:
            self.stdout.write(f"{job.__qualname__}: {result}")
