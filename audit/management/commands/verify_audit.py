import os

from django.core.management.base import BaseCommand, CommandError

from audit.verification import verify_chain


class Command(BaseCommand):
    help = (
        "Walk the sealed audit hash chain; exit non-zero naming the first event that does not "
        "fit, an event outside the chain, or events waiting to be sealed beyond the bound."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes checking stretches of the chain side by side (default: one per core).",
        )

    def handle(self, *args, **options) -> None:
        checked, problem = verify_chain(workers=options["workers"])
        if problem is None:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events."))
        elif problem.reason == "unsealed":
            raise CommandError(
                f"Audit event id {problem.event_id} is neither in the chain nor waiting to be "
                f"sealed; the {checked} sealed events are intact."
            )
        elif problem.reason == "late":
            raise CommandError(
                f"Audit events wait to be sealed beyond the bound (the oldest: event id "
                f"{problem.event_id}); is `manage.py run_worker` running? The {checked} sealed "
                "events are intact."
            )
        else:
            raise CommandError(
                f"Audit chain broken at event #{problem.position} ({problem.reason}); "
                f"{checked} events before it are intact."
            )
