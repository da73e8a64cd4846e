"""A report's figure as the page shows it: its count (or "<5"), linked to the cases behind it.

A year's report has hundreds of rows (every village) and a figure in each cell; its table rows
are written here in one pass rather than by the template language cell by cell, which cost
most of the page's time."""

from string import ascii_uppercase

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from reports.selectors import Figure, Table

register = template.Library()


def _linked(value: Figure, cases_url: str) -> SafeString:
    """A figure that counts cases links to their list; the page is read only by those who may
    see every case (`reports.views.ReportReaders`)."""
    if not value.case_terms:
        return format_html("{}", value.shown)
    return format_html(
        '<a class="lk3-figure" href="{}?{}">{}</a>',
        cases_url,
        urlencode(value.case_terms),
        value.shown,
    )


@register.simple_tag
def figure(value: Figure) -> SafeString:
    return _linked(value, reverse("reports:cases"))


@register.simple_tag
def table_rows(table: Table) -> SafeString:
    """The table's body rows: the label, then each figure under its column's heading, which a
    phone shows beside each cell of a card."""
    cases_url = reverse("reports:cases")
    return format_html_join(
        "\n",
        '<tr><td class="lk3-card-title">{}</td>{}</tr>',
        (
            (
                row.label,
                format_html_join(
                    "",
                    '<td class="lk3-number" data-label="{}">{}</td>',
                    (
                        (heading, _linked(cell, cases_url))
                        for heading, cell in zip(table.columns, row.figures, strict=True)
                    ),
                ),
            )
            for row in table.rows
        ),
    )


@register.filter
def section_letter(position: int) -> str:
    """The letter heading the report's section at `position`, counted after section A."""
    return ascii_uppercase[position % len(ascii_uppercase)]
