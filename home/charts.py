"""Charts drawn on the server as SVG (pygal), so that they read without JavaScript.

pygal builds its SVG as an XML tree, so every label is escaped when it is written; the chart is
sent without pygal's scripts and with its values printed on the bars, since without a script
there are no tooltips to read them from.
"""

from typing import Any

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree
from pygal.style import Style

# Drawn small, so that a phone's width scales the text down little.
ROW_HEIGHT = 30
CHART_WIDTH = 460
MIN_HEIGHT = 90

SCREEN_FONTS = 'Roboto, "Helvetica Neue", Arial, sans-serif'


def _style(font_family: str) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#333333",
        foreground_strong="#212121",
        foreground_subtle="#e0e0e0",
        colors=("#00796b",),
        font_family=font_family,
        label_font_size=15,
        major_label_font_size=15,
        value_font_size=15,
        value_colors=("#212121",),
    )


def bar_chart(
    rows: list[tuple[str, int]], *, label: str, font_family: str = SCREEN_FONTS
) -> SafeString:
    """One horizontal bar per row, its count written beside it; `label` names the series
    for screen readers and for the SVG's own title. A PDF names its bundled font."""
    chart = pygal.HorizontalBar(
        style=_style(font_family),
        js=[],
        disable_xml_declaration=True,
        show_legend=False,
        print_values=True,
        print_values_position="top",
        show_x_labels=False,
        show_x_guides=False,
        show_y_guides=False,
        width=CHART_WIDTH,
        height=max(MIN_HEIGHT, ROW_HEIGHT * len(rows) + 20),
        margin=8,
        spacing=8,
        truncate_label=-1,
        no_data_text="—",
    )
    # pygal draws the first label at the bottom; the page lists from the top.
    ordered = list(reversed(rows))
    chart.x_labels = [str(text) for text, _count in ordered]
    chart.add(str(label), [count for _text, count in ordered])
    svg = chart.render_tree()
    # pygal always writes its settings into an inline script for its tooltips, which the CSP
    # would refuse to run, and signs its output in comments; the chart reads the same without.
    for parent in list(svg.iter()):
        for child in [child for child in parent if not _drawn(child)]:
            parent.remove(child)
    _retitle(svg, str(label))
    svg.set("role", "img")
    svg.set("aria-label", str(label))
    # Serialised by the XML library from escaped labels: safe to place in the page as it is.
    return mark_safe(etree.tostring(svg, encoding="unicode"))


def _retitle(svg: Any, label: str) -> None:
    """The titles a browser shows on hover: pygal's are its own name for the chart ("Pygal")
    and the position of each axis label (e.g. "0.25"); the chart's and each label's own words
    are shown instead."""
    for parent in svg.iter():
        captions = [child.text for child in parent if _name(child) == "text"]
        for child in parent:
            if _name(child) == "title":
                child.text = label if parent is svg else (captions[0] if captions else label)


def _name(element: Any) -> str:
    """The element's tag without its namespace; comments have none."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _drawn(element: Any) -> bool:
    return isinstance(element.tag, str) and _name(element) != "script"
