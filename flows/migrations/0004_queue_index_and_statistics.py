from django.db import migrations

# The queue and its counters ask for "new human tasks my role may take". Two changes serve them
# at 100,000 cases, where the heads' queue holds 15,000 tasks:
# - The queue index covers every column the count filters on, so the count reads the index
#   alone (4 ms) rather than 4,500 pages of the table (15 ms); the queue is sorted by its cases'
#   most-pressing index, not by the task's creation, which the old index ended with.
# - The planner multiplies the selectivities of status, role permission and type as if they
#   were independent, but a new task is almost always a human one waiting for a role: it
#   expected 371 tasks, joined all 15,000 to their cases before sorting them and took 90 ms,
#   where walking the cases' most-pressing index takes 4. Statistics on the three columns
#   together give it the real count. SQLite has no such statistics.
CREATE_QUEUE = (
    "CREATE INDEX IF NOT EXISTS lk3_task_queue "
    "ON viewflow_task (status, owner_permission, flow_task_type, flow_task)"
)
CREATE_REPLACED = (
    "CREATE INDEX IF NOT EXISTS lk3_task_queue ON viewflow_task (status, owner_permission, created)"
)
DROP_QUEUE = "DROP INDEX IF EXISTS lk3_task_queue"
CREATE_STATISTICS = (
    "CREATE STATISTICS IF NOT EXISTS lk3_task_queue_columns (dependencies, mcv) "
    "ON status, owner_permission, flow_task_type FROM viewflow_task"
)


def create_statistics(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_STATISTICS)
        schema_editor.execute("ANALYZE viewflow_task")


def drop_statistics(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS lk3_task_queue_columns")


class Migration(migrations.Migration):
    dependencies = [("flows", "0003_task_owner_and_queue_indexes")]

    operations = [
        migrations.RunSQL([DROP_QUEUE, CREATE_QUEUE], [DROP_QUEUE, CREATE_REPLACED]),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
