"""A report's figure as the page shows it: its count (or "<5"), linked to the cases behind it."""

from string import ascii_uppercase

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from reports.selectors import Figure, Table

register = template.Library()


@register.simple_tag
def figure(value: Figure) -> SafeString:
    """A figure that counts cases links to their list; the page is read only by those who may
    see every case (`reports.views.ReportReaders`)."""
    if not value.case_terms:
        return format_html("{}", value.shown)
    url = f"{reverse('reports:cases')}?{urlencode(value.case_terms)}"
    return format_html('<a class="lk3-figure" href="{}">{}</a>', url, value.shown)


@register.simple_tag
def column(table: Table, index: int) -> str:
    """The heading of a table's column, which a phone shows beside each cell of a card."""
    return table.columns[index]


@register.filter
def section_letter(position: int) -> str:
    """The letter heading the report's section at `position`, counted after section A."""
    return ascii_uppercase[position % len(ascii_uppercase)]
