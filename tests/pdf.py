"""Reading PDFs back in tests."""

import re
import subprocess


def extract_text(pdf: bytes) -> str:
    """Poppler's extraction, with white space folded: pypdf garbles text set in two fonts."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", result.stdout.decode())
