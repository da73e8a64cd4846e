from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.services import RegionFileError, load_regions, read_rows


class Command(BaseCommand):
    help = (
        "Load a regency's districts and villages with their Kemendagri codes from a CSV file "
        "(header code,name; parents before or already loaded). Loading again renames, never "
        "removes. Lebak (36.02) is loaded by the migrations."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options) -> None:
        try:
            text = options["file"].read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        try:
            counts = load_regions(read_rows(text.splitlines()))
        except RegionFileError as error:
            raise CommandError(f"Nothing loaded. {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['regencies']} regencies, {counts['districts']} districts and "
                f"{counts['villages']} villages."
            )
        )
