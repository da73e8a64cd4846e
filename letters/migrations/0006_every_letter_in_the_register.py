import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from the data migration: PostgreSQL refuses to alter a table in the transaction
    # that updated its deferred foreign keys.
    dependencies = [("letters", "0005_register_existing_letters")]

    operations = [
        migrations.AlterField(
            model_name="letter",
            name="register_entry",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="letter",
                to="letters.letternumber",
            ),
        ),
    ]
