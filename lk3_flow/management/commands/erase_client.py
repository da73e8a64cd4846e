from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.context import acting_as
from lk3_flow import services
from lk3_flow.models import Client


class Command(BaseCommand):
    help = (
        "Erase a client's personal data on the decision of the head or the administrator "
        "(--actor): their identity in the case rows, and every value the audit log encrypted with "
        "their key. Case records and letters already issued are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--client-id", type=int, required=True)
        parser.add_argument("--reason", required=True, help="the ground of the erasure")
        parser.add_argument("--actor", required=True, help="username of who decided it")

    def handle(self, *args, client_id: int, reason: str, actor: str, **options) -> None:
        user = get_user_model().objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {actor!r}.")
        client = Client.objects.filter(pk=client_id).first()
        if client is None:
            raise CommandError(f"No client with id {client_id}.")
        try:
            with acting_as(user):
                services.erase_client_personal_data(client, actor=user, reason=reason)
        except (PermissionDenied, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from error
        done = f"The personal data of client {client_id} are erased."
        self.stdout.write(self.style.SUCCESS(done))
