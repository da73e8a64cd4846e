"""The report's tables drawn as bar charts too, on the page and in the PDF alike."""

from django.utils.safestring import SafeString

from home.charts import SCREEN_FONTS, bar_chart

from .selectors import Report, Table

# The tables drawn as charts too, by their key.
CHARTED = ("services", "problem", "channel", "kecamatan", "outcomes")


def charted_tables(
    report: Report, *, font_family: str = SCREEN_FONTS
) -> list[tuple[Table, SafeString | None]]:
    """Each table with its bar chart, drawn of the first column for the tables in CHARTED; a
    suppressed cell is left out of the chart, so that no bar shows what the table hides."""
    sections = []
    for table in report.tables:
        chart = None
        if table.key in CHARTED:
            rows = [
                (row.label, row.figures[0].count)
                for row in table.rows
                if not row.figures[0].suppressed
            ]
            # Where every cell is hidden or none exists, there is nothing to draw.
            if rows:
                chart = bar_chart(
                    rows, label=f"{table.title}: {table.columns[0]}", font_family=font_family
                )
        sections.append((table, chart))
    return sections
