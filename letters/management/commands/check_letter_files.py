from django.core.management.base import BaseCommand, CommandError

from letters import files, selectors


class Command(BaseCommand):
    help = (
        "List stored letter files that no letter points to, letters whose file is missing, and "
        "letters whose file the worker could not make; exit non-zero if there is any."
    )

    def handle(self, *args, **options) -> None:
        stored = set(files.stored_names(files.letter_storage()))
        letters = selectors.letter_file_names()
        orphans = sorted(stored - letters.keys())
        missing = sorted(number for name, number in letters.items() if name not in stored)
        for name in orphans:
            self.stdout.write(f"file without a letter: {name}")
        for number in missing:
            self.stdout.write(f"letter without a file: {number}")
        unmade = selectors.letters_the_worker_gave_up_on()
        for number in unmade:
            self.stdout.write(f"letter whose file could not be made: {number}")
        if orphans or missing or unmade:
            raise CommandError(
                f"{len(orphans)} files without a letter, {len(missing)} letters without a file, "
                f"{len(unmade)} letters whose file could not be made."
            )
        summary = f"All {len(letters)} letters have their file, and no file is left over."
        self.stdout.write(self.style.SUCCESS(summary))
