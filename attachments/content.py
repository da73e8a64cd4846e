"""What an uploaded file really is, decided by its bytes, never by its name.

Only PDF, JPEG and PNG are kept. A file is recognised by its first bytes and then really opened:
a PDF must be one that pypdf can read, an image one that Pillow decodes to the last pixel. An
image is stored re-encoded from its pixels, upright as its EXIF orientation said, without any
metadata (EXIF with a phone's GPS position, comments, colour profiles, text chunks): what the
office keeps is the picture, not where and with what it was taken. Anything else (SVG, HTML, an
executable renamed .pdf, a file that only pretends to be an image) is refused with a reason.
"""

import hashlib
import io
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader

from lk3_flow.uploads import upload_max_bytes

from .files import EXTENSIONS
from .models import FILE_NAME_LENGTH

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
MAGIC = [(b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG)]
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
JPEG_QUALITY = 90
# Image modes each format stores as they are; any other is converted to RGB(A) first.
KEPT_MODES = {JPEG: {"L", "RGB", "CMYK"}, PNG: {"1", "L", "LA", "RGB", "RGBA", "I", "I;16"}}


class Refused(ValidationError):
    """An upload that is not kept, and why, in words for the person who sent it."""


@dataclass(frozen=True)
class Checked:
    """An upload found acceptable: the bytes to store (images re-encoded) and what they are."""

    data: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def check_size(size: int) -> None:
    limit = upload_max_bytes()
    if size > limit:
        raise Refused(
            _("The file is %(size)s MB; files of at most %(limit)s MB are accepted."),
            code="too_large",
            params={"size": _megabytes(size), "limit": _megabytes(limit)},
        )
    if size == 0:
        raise Refused(_("The file is empty."), code="empty")


def sniff(data: bytes) -> str | None:
    """The type the first bytes announce, if it is one of the accepted ones."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def _refused(message: str, code: str) -> Refused:
    return Refused(message, code=code)


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as error:  # any failure to parse untrusted bytes is a refusal
        raise _refused(_("This PDF file is damaged and cannot be read."), "bad_pdf") from error
    if encrypted:
        raise _refused(
            _("This PDF file is protected by a password; upload it without the password."),
            "encrypted_pdf",
        )
    if pages == 0:
        raise _refused(_("This PDF file has no pages."), "empty_pdf")


def _too_many_pixels() -> Refused:
    return _refused(
        _("The image has too many pixels (at most %(pixels)s million are accepted).")
        % {"pixels": (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000},
        "too_many_pixels",
    )


def _clean_image(data: bytes, content_type: str) -> bytes:
    """The picture re-encoded from its pixels, upright, without any metadata."""
    unreadable = _refused(_("This file is not a readable JPEG or PNG image."), "bad_image")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            # Pillow only warns below twice its limit: the limit is a refusal here, before a
            # pixel is decoded.
            if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
                raise _too_many_pixels()
            if probe.format != PILLOW_FORMATS[content_type]:
                raise unreadable
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except Refused:
        raise
    except Exception as error:  # any failure to decode untrusted bytes is a refusal
        raise unreadable from error
    # A palette or a transparent colour lives in the metadata dropped below: pixels keep it.
    if upright.mode not in KEPT_MODES[content_type] or "transparency" in upright.info:
        transparent = content_type == PNG and (
            "transparency" in upright.info or upright.mode in ("LA", "PA", "RGBA")
        )
        upright = upright.convert("RGBA" if transparent else "RGB")
    # Nothing of the original's metadata goes along: Pillow writes what `info` holds.
    upright.info = {}
    out = io.BytesIO()
    if content_type == JPEG:
        upright.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        upright.save(out, "PNG", optimize=True)
    return out.getvalue()


def check_content(data: bytes) -> Checked:
    """The upload as it will be stored, or a ValidationError saying why it is refused."""
    check_size(len(data))
    content_type = sniff(data)
    if content_type is None:
        raise _refused(
            _(
                "Only PDF, JPEG and PNG files are accepted, and this file is none of them "
                "(its content was checked, not its name)."
            ),
            "unsupported_type",
        )
    if content_type == PDF:
        _check_pdf(data)
        return Checked(data, PDF)
    return Checked(_clean_image(data, content_type), content_type)


def safe_filename(name: str, extension: str) -> str:
    """The uploaded name fit to name a download: no folders, no control characters, bounded,
    and ending in the extension of what the content really is."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    # Control, format and separator characters go; a plain space stays.
    base = "".join(c for c in base if c == " " or unicodedata.category(c)[0] not in "CZ")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip(" .")[: FILE_NAME_LENGTH - len(extension) - 1].strip(" .")
    return f"{stem or _('attachment')}.{extension}"
