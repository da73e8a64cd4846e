from django.db import migrations

# The case list's search matches any part of a case number ("icontains"), beside the clients it
# finds; on PostgreSQL a trigram index on the upper-cased number (the text Django's icontains
# compares) serves it, so that a search does not read every case. SQLite offices scan.
CREATE = (
    "CREATE INDEX IF NOT EXISTS lk3_case_number_trgm ON lk3_flow_case "
    "USING gin (UPPER(number::text) gin_trgm_ops)"
)


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(CREATE)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS lk3_case_number_trgm")


class Migration(migrations.Migration):
    dependencies = [("lk3_flow", "0012_family_model")]

    operations = [migrations.RunPython(create, drop)]
