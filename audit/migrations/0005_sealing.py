"""The chain moves out of the events into seals written after commit by one sealer.

Every event keeps exactly the link it had: its position, previous hash and hash are copied into
its seal, so the chain verifies unchanged.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from audit import triggers

COPY_LINKS = (
    "INSERT INTO audit_auditseal (position, event_id, previous_hash, hash, sealed_at) "
    "SELECT position, id, previous_hash, hash, occurred_at FROM audit_auditevent"
)
RESTORE_LINKS = (
    "UPDATE audit_auditevent SET "
    "position = (SELECT position FROM audit_auditseal s WHERE s.event_id = audit_auditevent.id), "
    "previous_hash = (SELECT previous_hash FROM audit_auditseal s "
    "WHERE s.event_id = audit_auditevent.id), "
    "hash = (SELECT hash FROM audit_auditseal s WHERE s.event_id = audit_auditevent.id)"
)


def copy_links(apps, schema_editor):
    """Events were linked when written, so they count as sealed then; so does the head, now."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(COPY_LINKS)
        cursor.execute("UPDATE audit_chainhead SET sealed_at = %s", [timezone.now()])


def restore_links(apps, schema_editor):
    if apps.get_model("audit", "AuditPending").objects.exists():
        raise RuntimeError(
            "Audit events wait to be sealed: run `manage.py run_worker --once` before migrating "
            "back, or they would have no place in the chain."
        )
    triggers.remove(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(RESTORE_LINKS)
    triggers.install(schema_editor.connection)


def install_triggers(apps, schema_editor):
    # A SQLite table rebuild above dropped the events' triggers along with the old table.
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_role_declined_action")]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="sealed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # Nullable first, so that migrating back can add the columns to a full table again.
        migrations.AlterField(
            model_name="auditevent",
            name="position",
            field=models.PositiveBigIntegerField(null=True, unique=True, verbose_name="position"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64, null=True, unique=True),
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveBigIntegerField(unique=True, verbose_name="position")),
                ("previous_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
                ("sealed_at", models.DateTimeField(verbose_name="sealed at")),
                ("event", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="seal", to="audit.auditevent", verbose_name="audit event")),
            ],
            options={
                "verbose_name": "audit seal",
                "verbose_name_plural": "audit seals",
                "ordering": ["position"],
            },
        ),
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                ("event", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name="pending", serialize=False, to="audit.auditevent")),
            ],
            options={
                "verbose_name": "audit event waiting to be sealed",
                "verbose_name_plural": "audit events waiting to be sealed",
            },
        ),
        migrations.RunPython(copy_links, restore_links),
        migrations.RemoveIndex(model_name="auditevent", name="audit_audit_case_id_d3f95d_idx"),
        migrations.RemoveField(model_name="auditevent", name="position"),
        migrations.RemoveField(model_name="auditevent", name="previous_hash"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.AlterModelOptions(
            name="auditevent",
            options={
                "ordering": ["pk"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit events",
            },
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["case", "id"], name="audit_audit_case_id_b09d13_idx"),
        ),
        migrations.RunPython(install_triggers, migrations.RunPython.noop),
    ]
