from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.selectors import checkpoint


class Command(BaseCommand):
    help = "Print the audit chain's head hash and length, to publish outside the system."

    def handle(self, *args, **options) -> None:
        head = checkpoint()
        self.stdout.write(f"time: {timezone.now().isoformat(timespec='seconds')}")
        self.stdout.write(f"events: {head.count}")
        self.stdout.write(f"head: {head.head}")
