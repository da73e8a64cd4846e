"""Loading region lists: the bundled one of Lebak, or another regency's, from a CSV file."""

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from .models import District, Regency, Village

# Province, regency, district, village: 36 · 36.02 · 36.02.14 · 36.02.14.2001.
CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
NAME_LENGTH = 100
# The lists that come with LK3 Flow: Lebak's (36.02), the first office's.
BUNDLED = sorted((Path(__file__).resolve().parent / "data").glob("*.csv"))


class RegionFileError(ValueError):
    """A region file that cannot be loaded as it is; nothing of it has been written."""


def read_rows(lines: Iterable[str]) -> list[tuple[str, str]]:
    """The (code, name) rows of a region file, every one checked before anything is written.

    The file has a header `code,name`; provinces may be in it and are left out (regions are
    kept from the regency down).
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or [cell.strip().lower() for cell in header] != ["code", "name"]:
        raise RegionFileError("The first line must be the header: code,name")
    rows = []
    for line_number, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != 2:
            raise RegionFileError(f"Line {line_number}: expected a code and a name.")
        code, name = (cell.strip() for cell in cells)
        if not CODE.match(code):
            raise RegionFileError(f"Line {line_number}: {code!r} is not a Kemendagri code.")
        if not name or len(name) > NAME_LENGTH or not name.isprintable():
            raise RegionFileError(
                f"Line {line_number}: a name of 1 to {NAME_LENGTH} printable characters."
            )
        if len(code) > 2:
            rows.append((code, name))
    return rows


def load_regions(
    rows: list[tuple[str, str]],
    *,
    regency_model: Any = Regency,
    district_model: Any = District,
    village_model: Any = Village,
) -> dict[str, int]:
    """Add or rename the regions of `rows`, parents first; returns how many of each it holds.

    Loading the same file again changes nothing. The models are parameters so that a migration
    can load with the models as they were at its point in history.
    """
    by_level: dict[int, list[tuple[str, str]]] = {5: [], 8: [], 13: []}
    for code, name in rows:
        by_level[len(code)].append((code, name))
    with transaction.atomic():
        regencies = {
            code: regency_model.objects.update_or_create(code=code, defaults={"name": name})[0]
            for code, name in by_level[5]
        }
        districts = {}
        for code, name in by_level[8]:
            regency = regencies.get(code[:5]) or _existing(regency_model, code[:5], code)
            districts[code] = district_model.objects.update_or_create(
                code=code, defaults={"name": name, "regency": regency}
            )[0]
        for code, name in by_level[13]:
            district = districts.get(code[:8]) or _existing(district_model, code[:8], code)
            village_model.objects.update_or_create(
                code=code,
                # The village's own number starts with 1 for a kelurahan, 2 for a desa.
                defaults={"name": name, "district": district, "urban": code[9] == "1"},
            )
    return {
        "regencies": len(by_level[5]),
        "districts": len(by_level[8]),
        "villages": len(by_level[13]),
    }


def _existing(model: Any, code: str, child: str) -> Any:
    found = model.objects.filter(code=code).first()
    if found is None:
        raise RegionFileError(f"{child}: its parent {code} is neither in the file nor loaded.")
    return found


def load_bundled_regions(**models: Any) -> None:
    """Load the lists that come with LK3 Flow (`models` as for `load_regions`)."""
    for path in BUNDLED:
        load_regions(read_rows(path.read_text(encoding="utf-8").splitlines()), **models)


def ensure_bundled_regions(**kwargs: Any) -> None:
    """After every migrate: the bundled lists, if they are missing. A migration loads them
    first; a database emptied since (`flush`, as the test suite does between transactional
    tests) gets them back, as it gets back its content types and permissions."""
    if not Village.objects.exists():
        load_bundled_regions()
