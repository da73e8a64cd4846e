"""Kecamatan and desa as reference data with their Kemendagri codes, chosen from lists."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from flows.forms import ClientForm
from lk3_flow.models import Client
from lk3_flow.selectors import address_of
from regions.models import District, Regency, Village
from regions.selectors import office_districts, office_villages

pytestmark = pytest.mark.django_db


def test_lebak_comes_with_its_28_districts_and_345_villages():
    lebak = Regency.objects.get(code="36.02")
    assert lebak.name == "Kabupaten Lebak"
    assert office_districts().count() == 28
    assert office_villages().count() == 345
    assert Village.objects.filter(district__regency=lebak, urban=True).count() == 5
    ward = Village.objects.get(code="36.02.14.1012")
    assert (ward.name, ward.district.name, ward.designation) == (
        "Muara Ciujung Timur",
        "Rangkasbitung",
        "Kel. Muara Ciujung Timur",
    )
    assert Village.objects.get(code="36.02.06.2001").designation == "Desa Kanekes"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding="utf-8")
    return path


PANDEGLANG = """code,name
36,Banten
36.01,Kabupaten Pandeglang
36.01.21,Pandeglang
36.01.21.1002,Kadomas
36.01.21.1009,Pandeglang
36.01.22,Cadasari
36.01.22.2007,Cadasari
"""


def test_another_regency_loads_from_a_file_and_loading_again_only_renames(tmp_path):
    call_command("load_regions", write(tmp_path, PANDEGLANG))
    pandeglang = Regency.objects.get(code="36.01")
    assert [district.name for district in pandeglang.districts.order_by("code")] == [
        "Pandeglang",
        "Cadasari",
    ]
    assert Village.objects.get(code="36.01.21.1002").urban
    assert not Village.objects.get(code="36.01.22.2007").urban
    assert not Regency.objects.filter(code="36").exists()  # provinces are not kept

    call_command(
        "load_regions", write(tmp_path, PANDEGLANG.replace(",Cadasari\n", ",Cadasari Baru\n"))
    )
    assert District.objects.get(code="36.01.22").name == "Cadasari Baru"
    assert Village.objects.filter(district__regency=pandeglang).count() == 3
    # The office's own lists are still those of its regency.
    assert office_districts().count() == 28


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kode,nama\n36.01,X\n", "header"),
        ("code,name\n36.01,Kabupaten Pandeglang\n36.01.x1,Rusak\n", "Line 3"),
        ("code,name\n36.01,Kabupaten Pandeglang\n36.01.21,\n", "Line 3"),
        ("code,name\n36.01,Kabupaten Pandeglang\n36.01.21,A,B\n", "Line 3"),
        # A village whose district is neither in the file nor loaded: the regency before it is
        # not kept either.
        ("code,name\n36.01,Kabupaten Pandeglang\n36.01.99.2001,Yatim\n", "36.01.99"),
    ],
)
def test_a_bad_region_file_loads_nothing_and_says_where(tmp_path, text, message):
    before = (Regency.objects.count(), District.objects.count(), Village.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("load_regions", write(tmp_path, text))
    assert (Regency.objects.count(), District.objects.count(), Village.objects.count()) == before


def test_a_file_that_is_not_text_is_refused(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_bytes(b"\xff\xfe\x00code")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_regions", path)


BEFORE_CHOOSING = [("lk3_flow", "0009_case_most_pressing_index"), ("regions", "0002_lebak")]


@pytest.mark.django_db(transaction=True)
def test_typed_places_become_chosen_ones_and_what_matches_nothing_stays_in_the_address():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_CHOOSING)
    old = executor.loader.project_state(BEFORE_CHOOSING).apps
    OldClient = old.get_model("lk3_flow", "Client")
    officer = old.get_model("auth", "User").objects.create(username="petugas")
    typed = {
        "exact": ("Jl. Multatuli 7", "Rangkasbitung", "Muara Ciujung Timur"),
        "loose": ("", "kec. RANGKAS BITUNG", "desa pasirtanjung"),
        "village only": ("Kp. Baduy", "", "Kanekes"),
        "unknown village": ("RT 01", "Cibadak", "Kampung Entah"),
        "elsewhere": ("", "Kecamatan SERANG", ""),
        "nothing": ("Jl. Raya", "", ""),
    }
    for label, (address, kecamatan, desa) in typed.items():
        OldClient.objects.create(
            kind="individual",
            full_name=label,
            address=address,
            kecamatan=kecamatan,
            desa=desa,
            registered_by=officer,
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    def place(label: str) -> tuple[str, str | None, str | None]:
        client = Client.objects.select_related("kecamatan", "desa").get(full_name=label)
        return (
            client.address,
            client.kecamatan.code if client.kecamatan else None,
            client.desa.code if client.desa else None,
        )

    assert place("exact") == ("Jl. Multatuli 7", "36.02.14", "36.02.14.1012")
    assert place("loose") == ("", "36.02.14", "36.02.14.2001")
    assert place("village only") == ("Kp. Baduy", "36.02.06", "36.02.06.2001")
    assert place("unknown village") == ("RT 01, Kampung Entah", "36.02.18", None)
    assert place("elsewhere") == ("Kec. Serang", None, None)
    assert place("nothing") == ("Jl. Raya", None, None)


def client_form(**data: str) -> ClientForm:
    return ClientForm({"kind": "individual", "full_name": "Siti Aminah", **data})


def test_a_village_is_chosen_within_its_district():
    rangkasbitung = District.objects.get(code="36.02.14")
    kanekes = Village.objects.get(code="36.02.06.2001")  # in Leuwidamar

    outside = client_form(kecamatan=str(rangkasbitung.pk), desa=str(kanekes.pk))
    with translation.override("id"):
        assert not outside.is_valid()
        assert outside.errors["desa"] == ["Kanekes tidak berada di Kecamatan Rangkasbitung."]

    alone = client_form(desa=str(kanekes.pk))
    assert alone.is_valid(), alone.errors
    assert alone.cleaned_data["kecamatan"].name == "Leuwidamar"


def test_the_lists_offer_only_the_office_regency_grouped_by_district(tmp_path):
    call_command("load_regions", write(tmp_path, PANDEGLANG))
    elsewhere = District.objects.get(code="36.01.22")
    form = client_form(kecamatan=str(elsewhere.pk))
    assert not form.is_valid() and "kecamatan" in form.errors
    groups = [group for group, _options in list(form.fields["desa"].choices)[1:]]
    assert len(groups) == 28 and groups == sorted(groups)
    assert "Cadasari" not in groups


@pytest.mark.parametrize(
    ("address", "district", "village", "printed"),
    [
        ("Jl. Multatuli 7", "36.02.14", "36.02.14.1012",
         "Jl. Multatuli 7, Kel. Muara Ciujung Timur, Kec. Rangkasbitung"),
        ("", "36.02.14", None, "Kec. Rangkasbitung"),
        ("  ", None, "36.02.06.2001", "Desa Kanekes"),
        ("Kp. Cibeas RT 02/RW 01", None, None, "Kp. Cibeas RT 02/RW 01"),
        ("", None, None, ""),
    ],
)  # fmt: skip
def test_an_address_is_printed_without_its_empty_parts(address, district, village, printed):
    client = Client(
        address=address,
        kecamatan=District.objects.get(code=district) if district else None,
        desa=Village.objects.get(code=village) if village else None,
    )
    assert address_of(client) == printed
