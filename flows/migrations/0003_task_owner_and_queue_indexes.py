from django.db import migrations

# A person's inbox ("my assigned tasks, newest first") and the queue counters ("new tasks my role
# may take") would otherwise read every open task of the office; both indexes serve them directly.
CREATE_OWNER = (
    "CREATE INDEX IF NOT EXISTS lk3_task_owner_open ON viewflow_task (owner_id, status, created)"
)
CREATE_QUEUE = (
    "CREATE INDEX IF NOT EXISTS lk3_task_queue "
    "ON viewflow_task (status, owner_permission, created)"
)


class Migration(migrations.Migration):
    dependencies = [("flows", "0002_task_queue_index")]

    operations = [
        migrations.RunSQL(CREATE_OWNER, "DROP INDEX IF EXISTS lk3_task_owner_open"),
        migrations.RunSQL(CREATE_QUEUE, "DROP INDEX IF EXISTS lk3_task_queue"),
    ]
