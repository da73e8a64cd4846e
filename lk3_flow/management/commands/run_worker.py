import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from audit import sealing
from letters.services import void_unused_numbers

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "The site's background work, in rounds every AUDIT_SEAL_INTERVAL seconds: sealing "
        "committed audit events into the chain, and recording as void (batal) the letter numbers "
        "whose step never completed. Stops after the round on SIGTERM or SIGINT."
    )
    # What one round does, in order.
    jobs: list[Callable[[], object]] = [sealing.seal_pending, void_unused_numbers]

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one round, then exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        self.verbosity = options["verbosity"]
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
