"""Reading PDFs back in tests."""

import re
import subprocess
from typing import Any


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
