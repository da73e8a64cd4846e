import os

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Walk the audit hash chain; exit non-zero naming the first event that does not fit."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes checking stretches of the chain side by side (default: one per core).",
        )

    def handle(self, *args, **options) -> None:
        checked, problem = verify_chain(workers=options["workers"])
        if problem is not None:
            raise CommandError(
                f"Audit chain broken at event #{problem.position} ({problem.reason}); "
                f"{checked} events before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events."))
