from django.core.management.base import BaseCommand

from permissions.services import sync_roles


class Command(BaseCommand):
    help = "Create the role groups and give them their declared permissions (idempotent)."

    def handle(self, *args, **options) -> None:
        sync_roles()
        self.stdout.write(self.style.SUCCESS("Roles synchronised."))
