from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.sealing import status


class Command(BaseCommand):
    help = (
        "Print the sealed audit chain's length and head hash, to publish outside the system, "
        "with the time of the last seal and how many events wait to be sealed."
    )

    def handle(self, *args, **options) -> None:
        chain = status()
        sealed_at = (
            chain.last_sealed_at.isoformat(timespec="seconds") if chain.last_sealed_at else "-"
        )
        self.stdout.write(f"time: {timezone.now().isoformat(timespec='seconds')}")
        self.stdout.write(f"events: {chain.sealed}")
        self.stdout.write(f"head: {chain.head}")
        self.stdout.write(f"sealed at: {sealed_at or 'never'}")
        self.stdout.write(f"pending: {chain.pending}")
