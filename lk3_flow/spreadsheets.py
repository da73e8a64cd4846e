"""Every spreadsheet the project hands out is written here, so that no typed text becomes a formula.

Excel and LibreOffice read a cell that begins with `=`, `+`, `-` or `@` (and, after trimming,
a tab or a carriage return) as a formula, and a formula can fetch URLs or run commands on the
reader's computer (OWASP "CSV injection"). Text that people typed — a comment, a name, a reason —
reaches exports, so every cell goes through `safe_cell`, which makes such text a plain string.
A guard test keeps other modules from writing CSV or XLSX themselves.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What an XLSX sheet's name may not contain, and how long it may be.
SHEET_TITLE_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})
SHEET_TITLE_LENGTH = 31

# What a spreadsheet application takes as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a cell that shows what was typed: formula-like text gets a leading `'`.

    Numbers stay numbers: a negative number is not a formula, and exported positions and counts
    are never text a person typed.
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        return f"'{text}" if text.startswith(FORMULA_STARTS) else text
    return value


class _Echo:
    """A file that hands back what is written to it, so that rows can be streamed one by one."""

    def write(self, value: str) -> str:
        return value


def csv_rows(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The header and rows as CSV lines, every cell made safe."""
    writer = csv.writer(_Echo())
    yield writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> StreamingHttpResponse:
    """A CSV download, streamed so that a long export does not sit in memory."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _xlsx_cell(value: Any) -> Any:
    """As `safe_cell`, without the control characters an XLSX file cannot hold."""
    cell = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell


def xlsx_response(
    filename: str, title: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """An XLSX workbook of one sheet, every cell made safe; built whole before it is sent, so
    that a failure midway sends nothing."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title.translate(SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_LENGTH])
    sheet.append([_xlsx_cell(cell) for cell in header])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
