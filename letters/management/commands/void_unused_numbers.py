import datetime

from django.core.management.base import BaseCommand, CommandParser

from letters import services


class Command(BaseCommand):
    help = (
        "Record as void (batal) in the letter register the numbers drawn by steps that did not "
        "complete; run every few minutes (the site's worker does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = int(services.UNUSED_NUMBER_GRACE.total_seconds() // 60)
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=default,
            help=f"Only numbers drawn at least this long ago (default {default}).",
        )

    def handle(self, *args, **options) -> None:
        minutes = max(options["older_than_minutes"], 1)
        voided = services.void_unused_numbers(older_than=datetime.timedelta(minutes=minutes))
        self.stdout.write(f"{voided} unused letter numbers recorded as void.")
