"""Where attachment files are stored: privately, as `lk3_flow.private_files` promises.

Names are random (never the uploaded name, the case or the client), files are 0600 in 0700
folders, and a transaction that rolls back leaves no file behind.
"""

from typing import TYPE_CHECKING

from django.utils import timezone

from lk3_flow.private_files import PrivateFiles

if TYPE_CHECKING:
    from .models import Attachment

FOLDER = "attachments"
PRIVATE = PrivateFiles(model="attachments.Attachment", field="file", folder=FOLDER)
# The extension of each accepted type; the stored name carries it and nothing else.
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def attachment_file_name(instance: "Attachment", filename: str) -> str:
    """A random name under the upload's year, with the extension of the checked content."""
    return PRIVATE.random_name(timezone.localdate().year, EXTENSIONS[instance.content_type])
