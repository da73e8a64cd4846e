from django.db import migrations

# A person's inbox ("my assigned tasks, newest first") and the queue with its counters ("new tasks
# my role may take, newest first") are served by these two indexes. The queue index replaces
# 0002's (status, flow_task_type, created), which the queue no longer needs once it can match the
# role's permissions in the index, and which nothing else reads.
CREATE_OWNER = (
    "CREATE INDEX IF NOT EXISTS lk3_task_owner_open ON viewflow_task (owner_id, status, created)"
)
CREATE_QUEUE = (
    "CREATE INDEX IF NOT EXISTS lk3_task_queue "
    "ON viewflow_task (status, owner_permission, created)"
)
CREATE_REPLACED = (
    "CREATE INDEX IF NOT EXISTS lk3_task_open_newest "
    "ON viewflow_task (status, flow_task_type, created)"
)


class Migration(migrations.Migration):
    dependencies = [("flows", "0002_task_queue_index")]

    operations = [
        migrations.RunSQL(CREATE_OWNER, "DROP INDEX IF EXISTS lk3_task_owner_open"),
        migrations.RunSQL(CREATE_QUEUE, "DROP INDEX IF EXISTS lk3_task_queue"),
        migrations.RunSQL("DROP INDEX IF EXISTS lk3_task_open_newest", CREATE_REPLACED),
    ]
