from django.db import migrations

# The case search matches any part of a client's name ("icontains"), which a plain index cannot
# serve. On PostgreSQL a trigram index on the same upper-cased text that Django's icontains
# compares turns the name lookup into an index scan; SQLite offices are small enough to scan.
CREATE = (
    "CREATE INDEX IF NOT EXISTS lk3_client_name_trgm ON lk3_flow_client "
    "USING gin (UPPER(full_name::text) gin_trgm_ops)"
)


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(CREATE)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS lk3_client_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("lk3_flow", "0004_case_lk3_case_newest_first")]

    operations = [migrations.RunPython(create, drop)]
