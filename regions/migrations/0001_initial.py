import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Regency",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=5, unique=True, verbose_name="Kemendagri code")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
            ],
            options={
                "verbose_name": "regency",
                "verbose_name_plural": "regencies",
                "ordering": ["code"],
            },
        ),
        migrations.CreateModel(
            name="District",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=8, unique=True, verbose_name="Kemendagri code")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "regency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="districts",
                        to="regions.regency",
                        verbose_name="regency",
                    ),
                ),
            ],
            options={
                "verbose_name": "district",
                "verbose_name_plural": "districts",
                "ordering": ["name", "code"],
            },
        ),
        migrations.CreateModel(
            name="Village",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=13, unique=True, verbose_name="Kemendagri code")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("urban", models.BooleanField(default=False, verbose_name="kelurahan")),
                (
                    "district",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="villages",
                        to="regions.district",
                        verbose_name="district",
                    ),
                ),
            ],
            options={
                "verbose_name": "village",
                "verbose_name_plural": "villages",
                "ordering": ["name", "code"],
            },
        ),
    ]
