from django.db import migrations

# The regency of the first office: LK3 Kabupaten Lebak. Its 28 districts and 345 villages
# (340 desa, 5 kelurahan) as coded by Kepmendagri No. 300.2.2-2138 of 2025 (data/36.02.csv).


def load_lebak(apps, schema_editor) -> None:
    from regions.services import load_bundled_regions

    load_bundled_regions(
        regency_model=apps.get_model("regions", "Regency"),
        district_model=apps.get_model("regions", "District"),
        village_model=apps.get_model("regions", "Village"),
    )


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(load_lebak, migrations.RunPython.noop)]
