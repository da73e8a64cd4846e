"""HTML to PDF with WeasyPrint, safely and reproducibly.

One FontConfiguration serves the whole process (a new one per render leaks memory). The URL
fetcher serves only the bundled assets under the `lk3-asset:` scheme and inline `data:` URLs:
no file system path and no network address can reach a letter, whatever text it carries.
"""

from dataclasses import dataclass
from pathlib import Path

from weasyprint import HTML
from weasyprint.document import Page
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_SCHEME = "lk3-asset:"
# The empty element of a letter's signature block where the electronic signature's stamp goes.
STAMP_ANCHOR = "ttd-elektronik"
# WeasyPrint lays pages out in CSS pixels (96 per inch); PDF measures in points (72 per inch).
POINTS_PER_CSS_PIXEL = 0.75
MIME_TYPES = {".ttf": "font/ttf", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class ForbiddenResource(ValueError):
    """A letter asked for something other than a bundled asset."""


class AssetFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(ASSET_SCHEME):
            raise ForbiddenResource(url)
        path = (ASSETS / url.removeprefix(ASSET_SCHEME)).resolve()
        if ASSETS not in path.parents or not path.is_file():
            raise ForbiddenResource(url)
        content_type = MIME_TYPES.get(path.suffix, "application/octet-stream")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


_font_config = FontConfiguration()
_fetcher = AssetFetcher()


@dataclass(frozen=True)
class StampPlace:
    """Where a letter's signature stamp goes: a page (from 0) and a rectangle on it, in PDF
    points from the page's bottom-left corner: (left, bottom, right, top)."""

    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    # None when the letter's template has no place for a stamp.
    stamp: StampPlace | None


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=ASSET_SCHEME, url_fetcher=_fetcher)
    return document.write_pdf(font_config=_font_config)


def render_letter(html: str) -> RenderedLetter:
    """The PDF with the place of its signature stamp, as laid out (the same bytes as
    `html_to_pdf`: laying out is what writing a PDF does first)."""
    document = HTML(string=html, base_url=ASSET_SCHEME, url_fetcher=_fetcher).render(
        font_config=_font_config
    )
    return RenderedLetter(pdf=document.write_pdf(), stamp=_stamp_place(document.pages))


def _stamp_place(pages: list[Page]) -> StampPlace | None:
    """The stamp's element on the first page that has it; WeasyPrint gives its border box
    from the page's top-left corner, PDF counts from the bottom-left."""
    for number, page in enumerate(pages):
        if STAMP_ANCHOR in page.anchors:
            left, top, right, bottom = (
                edge * POINTS_PER_CSS_PIXEL for edge in page.anchors[STAMP_ANCHOR]
            )
            height = page.height * POINTS_PER_CSS_PIXEL
            return StampPlace(number, (left, height - bottom, right, height - top))
    return None
