"""Reading PDFs back in tests."""

import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image


def letter_bytes(letter: Any) -> bytes:
    """A letter's stored file, made first if the worker has not made it yet (as a download is)."""
    from letters.services import rendered

    letter = rendered(letter)
    with letter.pdf.open("rb") as stored:
        return stored.read()


def extract_text(pdf: bytes) -> str:
    """Poppler's extraction, with white space folded: pypdf garbles text set in two fonts."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", result.stdout.decode())


def page_pictures(pdf: bytes, resolution: int) -> list[Image.Image]:
    """Every page as a picture, in order, from one run of poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(resolution), "-", str(prefix)],
            input=pdf,
            capture_output=True,
            check=True,
        )
        # pdftoppm pads the page number to the width of the page count: page-01.png, page-10.png.
        files = sorted(Path(folder).glob("page-*.png"), key=lambda f: int(f.stem.split("-")[-1]))
        pictures = []
        for file in files:
            with Image.open(file) as picture:
                pictures.append(picture.convert("RGB"))
        return pictures


def embedded_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """Each font of the PDF by its PostScript name (subset tag removed), and whether embedded."""
    result = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    fonts = []
    # Two heading lines; then name, type (which may have spaces), encoding, emb, sub, uni, object.
    for line in result.stdout.decode().splitlines()[2:]:
        name, *_, emb, _sub, _uni, _object, _generation = line.split()
        fonts.append((name.split("+", 1)[-1], emb == "yes"))
    return fonts
