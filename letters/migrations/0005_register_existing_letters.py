"""Every letter issued before the register existed gets its line in it, as used."""

from django.db import migrations

BATCH = 1000


def register_existing_letters(apps, schema_editor) -> None:
    Letter = apps.get_model("letters", "Letter")
    LetterNumber = apps.get_model("letters", "LetterNumber")
    alias = schema_editor.connection.alias
    letters = Letter.objects.using(alias).filter(register_entry__isnull=True).order_by("pk")
    while batch := list(letters[:BATCH]):
        entries = LetterNumber.objects.using(alias).bulk_create(
            LetterNumber(
                kind=letter.kind,
                year=letter.issued_on.year,
                sequence=letter.sequence,
                number=letter.number,
                drawn_at=letter.issued_at,
                drawn_by_id=letter.signer_id,
                case_id=letter.case_id,
                status="used",
            )
            for letter in batch
        )
        for letter, entry in zip(batch, entries, strict=True):
            letter.register_entry = entry
        Letter.objects.using(alias).bulk_update(batch, ["register_entry"])


def forget_the_register(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    apps.get_model("letters", "Letter").objects.using(alias).update(register_entry=None)
    apps.get_model("letters", "LetterNumber").objects.using(alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0004_letter_register")]

    operations = [migrations.RunPython(register_existing_letters, forget_the_register)]
