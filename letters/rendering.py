"""HTML to PDF with WeasyPrint, safely and reproducibly.

One FontConfiguration serves the whole process (a new one per render leaks memory). The URL
fetcher serves only the bundled assets under the `lk3-asset:` scheme and inline `data:` URLs:
no file system path and no network address can reach a letter, whatever text it carries.
"""

from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_SCHEME = "lk3-asset:"
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


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=ASSET_SCHEME, url_fetcher=_fetcher)
    return document.write_pdf(font_config=_font_config)
