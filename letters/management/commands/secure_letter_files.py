from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from letters import files, services
from letters.models import Letter


class Command(BaseCommand):
    help = (
        "Rename letter files still named by their verification token and make the letters "
        "folder readable by the service's user only. Safe to run again; `make run` runs it."
    )

    def handle(self, *args, **options) -> None:
        renamed, failed = 0, []
        # A letter still waiting for its file gets a private name when the file is made.
        letters = Letter.objects.exclude(pdf="").only("pk", "number", "pdf", "issued_on", "sha256")
        for letter in letters.iterator():
            if files.is_private_name(letter.pdf.name):
                continue
            try:
                services.give_private_name(letter)
            except (OSError, ValidationError) as error:
                failed.append(f"{letter.number}: {error}")
                continue
            renamed += 1
        narrowed = files.make_private(files.letter_storage())
        self.stdout.write(f"Letter files renamed: {renamed}; permissions narrowed: {narrowed}.")
        if failed:
            for line in failed:
                self.stderr.write(line)
            raise CommandError(f"{len(failed)} letter files could not be renamed.")
