from django.db import migrations

# The process engine's task table has no index for "open tasks of a kind, newest first", which
# every queue and inbox asks; it is added here, on both SQLite and PostgreSQL.
CREATE = (
    "CREATE INDEX IF NOT EXISTS lk3_task_open_newest "
    "ON viewflow_task (status, flow_task_type, created)"
)
DROP = "DROP INDEX IF EXISTS lk3_task_open_newest"


class Migration(migrations.Migration):
    dependencies = [("flows", "0001_initial"), ("viewflow", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
