import re

import django.db.models.deletion
from django.db import migrations, models

# Kecamatan and desa were typed; they are now chosen from the regency's lists (regions). Typed
# names are matched to the list whatever their case, spacing or prefix ("Kec.", "Desa"); a name
# that matches nothing is kept at the end of the street address, so that nothing is lost.
PREFIXES = re.compile(r"^(kecamatan|kec\.?|kelurahan|kel\.?|desa)\s+")


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", PREFIXES.sub("", name.strip().lower()))


def typed_to_chosen(apps, schema_editor) -> None:
    client_model = apps.get_model("lk3_flow", "Client")
    from regions.selectors import office_regency_code

    regency = office_regency_code()
    districts = {
        _key(district.name): district
        for district in apps.get_model("regions", "District").objects.filter(regency__code=regency)
    }
    villages, villages_by_name = {}, {}
    for village in apps.get_model("regions", "Village").objects.filter(
        district__regency__code=regency
    ):
        villages[(village.district_id, _key(village.name))] = village
        villages_by_name.setdefault(_key(village.name), []).append(village)
    for client in client_model.objects.exclude(kecamatan="", desa="").iterator():
        district = districts.get(_key(client.kecamatan)) if client.kecamatan else None
        village = None
        if client.desa and district is not None:
            village = villages.get((district.pk, _key(client.desa)))
        elif client.desa and not client.kecamatan:
            same_name = villages_by_name.get(_key(client.desa), [])
            if len(same_name) == 1:
                village, district = same_name[0], same_name[0].district
        unmatched = []
        if client.desa.strip() and village is None:
            unmatched.append(client.desa.strip())
        if client.kecamatan.strip() and district is None:
            unmatched.append(f"Kec. {PREFIXES.sub('', client.kecamatan.strip().lower()).title()}")
        client.kecamatan_chosen, client.desa_chosen = district, village
        client.address = ", ".join(part for part in [client.address.strip(), *unmatched] if part)
        client.save(update_fields=["kecamatan_chosen", "desa_chosen", "address"])


def chosen_to_typed(apps, schema_editor) -> None:
    client_model = apps.get_model("lk3_flow", "Client")
    for client in client_model.objects.select_related("kecamatan_chosen", "desa_chosen").iterator():
        client.kecamatan = client.kecamatan_chosen.name if client.kecamatan_chosen else ""
        client.desa = client.desa_chosen.name if client.desa_chosen else ""
        client.save(update_fields=["kecamatan", "desa"])


class Migration(migrations.Migration):
    dependencies = [
        ("lk3_flow", "0009_case_most_pressing_index"),
        ("regions", "0002_lebak"),
    ]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="address",
            field=models.CharField(blank=True, max_length=500, verbose_name="address"),
        ),
        migrations.AddField(
            model_name="client",
            name="kecamatan_chosen",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.district",
                verbose_name="district",
            ),
        ),
        migrations.AddField(
            model_name="client",
            name="desa_chosen",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.village",
                verbose_name="village",
            ),
        ),
        migrations.RunPython(typed_to_chosen, chosen_to_typed),
        migrations.RemoveField(model_name="client", name="kecamatan"),
        migrations.RemoveField(model_name="client", name="desa"),
        migrations.RenameField(model_name="client", old_name="kecamatan_chosen", new_name="kecamatan"),
        migrations.RenameField(model_name="client", old_name="desa_chosen", new_name="desa"),
    ]
