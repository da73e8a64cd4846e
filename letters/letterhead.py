"""The letterhead (kop surat): each line the profile sets prints as one line.

A long institution name used to wrap in the middle ("KESEJAHTERAAN / KELUARGA"), which no
official letterhead does. Each line is measured with the bundled font it prints in and set a
little smaller when it would not fit, down to a floor below which it may wrap after all.
"""

from dataclasses import dataclass
from functools import cache

from PIL import ImageFont

from .models import InstitutionProfile, PaperSize
from .rendering import ASSETS

POINTS_PER_CM = 72 / 2.54
# Page width less the margins (3 cm left, 2 cm right), the logo's column and a balancing space on
# the right (letter.css: .kop-logo, .kop-text).
TEXT_WIDTH_CM = {PaperSize.A4: 21.0 - 5.0 - 2.4 - 1.0, PaperSize.F4: 21.5 - 5.0 - 2.4 - 1.0}
SMALLEST_PT = 8.0
# A little room for the difference between this measure and the PDF's shaping.
SLACK = 0.97


@dataclass(frozen=True)
class LetterheadLine:
    text: str
    size_pt: float
    bold: bool


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    # Measured at 100 pt: widths scale linearly with the size.
    return ImageFont.truetype(str(ASSETS / "fonts" / name), 100)


def fitted_size(text: str, *, size_pt: float, bold: bool, width_cm: float) -> float:
    """`size_pt`, or the largest size (half-point steps) at which `text` fits `width_cm`."""
    width_at_100 = _font(bold).getlength(text)
    if not width_at_100:
        return size_pt
    fitting = SLACK * width_cm * POINTS_PER_CM * 100 / width_at_100
    if fitting >= size_pt:
        return size_pt
    return max(SMALLEST_PT, int(fitting * 2) / 2)


def letterhead_lines(profile: InstitutionProfile) -> list[LetterheadLine]:
    """The lines of the kop, top to bottom, with the size each prints at."""
    width = TEXT_WIDTH_CM.get(profile.paper_size, TEXT_WIDTH_CM[PaperSize.A4])
    contacts = []
    if profile.phone:
        contacts.append(f"Telp. {profile.phone}")
    if profile.email:
        contacts.append(f"Surel: {profile.email}")
    if profile.website:
        contacts.append(profile.website)
    wanted = [
        (profile.government, 13.0, True),
        (profile.agency, 13.0, True),
        (profile.name, 14.0, True),
        (profile.address, 10.0, False),
        (" · ".join(contacts), 10.0, False),
    ]
    return [
        LetterheadLine(text, fitted_size(text, size_pt=size, bold=bold, width_cm=width), bold)
        for text, size, bold in wanted
        if text.strip()
    ]
