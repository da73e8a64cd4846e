"""Each open case's due date, counted from when its waiting task was created."""

from django.conf import settings
from django.db import migrations, models

from lk3_flow.deadlines import due_at


def set_due_dates(apps, schema_editor):
    Case = apps.get_model("lk3_flow", "Case")
    Task = apps.get_model("viewflow", "Task")
    for case in Case.objects.filter(status="open", process__isnull=False).iterator():
        waiting = (
            Task.objects.filter(process_id=case.process_id, status__in=("NEW", "ASSIGNED"))
            .order_by("-created")
            .values_list("created", flat=True)
            .first()
        )
        if waiting is not None:
            case.due_at = due_at(case.stage, case.priority, waiting)
            case.save(update_fields=["due_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("lk3_flow", "0006_text_length_limits_and_ascii_niks"),
        ("viewflow", "0015_task_scheduled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="due"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["due_at"], name="lk3_case_due"),
        ),
        migrations.RunPython(set_due_dates, migrations.RunPython.noop),
    ]
