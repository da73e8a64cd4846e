from django.db import migrations

from audit import triggers
from audit.chain import GENESIS


def start_chain(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.get_or_create(pk=1, defaults={"hash": GENESIS})


def install_triggers(apps, schema_editor):
    triggers.install(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(start_chain, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
