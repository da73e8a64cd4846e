"""Where letter PDFs are stored: privately, as `lk3_flow.private_files` promises.

Names say nothing (not the public verification token, not the number, not the case), files are
0600 in 0700 folders, and a transaction that rolls back leaves no file behind.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile

from lk3_flow.private_files import PrivateFiles, storage_is_private

if TYPE_CHECKING:
    from .models import IssuedReport, Letter

FOLDER = "letters"
PRIVATE = PrivateFiles(model="letters.Letter", field="pdf", folder=FOLDER)
REPORTS = PrivateFiles(model="letters.IssuedReport", field="pdf", folder="reports")
_EXTENSIONS = frozenset({"pdf"})


def letter_file_name(instance: "Letter", filename: str) -> str:
    """A random name under the letter's year: nothing in it can be used to find the letter."""
    return PRIVATE.random_name(instance.issued_on.year, "pdf")


def report_file_name(instance: "IssuedReport", filename: str) -> str:
    """As a letter's: a random name under the report's year."""
    return REPORTS.random_name(instance.issued_on.year, "pdf")


def is_private_name(name: str) -> bool:
    """Whether `name` is one `letter_file_name` gives (older letters were named by their token)."""
    return PRIVATE.is_private_name(name, _EXTENSIONS)


def letter_storage() -> Storage:
    return PRIVATE.storage()


def store_pdf(letter: "Letter", data: bytes) -> None:
    """Write the letter's bytes under a fresh name; kept only if the transaction commits."""
    PRIVATE.store(letter.pdf, data)


def store_report_pdf(report: "IssuedReport", data: bytes) -> None:
    """As `store_pdf`, for a periodic report."""
    REPORTS.store(report.pdf, data)


def delete_pdf(field_file: FieldFile) -> None:
    """Remove the file of a letter row being rolled back, now rather than after the request."""
    PRIVATE.delete_now(field_file)


def discard_rolled_back_files(**signal: Any) -> None:
    """Delete the files of letters and reports whose transaction ended without committing."""
    PRIVATE.discard_rolled_back_files(**signal)
    REPORTS.discard_rolled_back_files(**signal)


def stored_names(storage: Storage, folder: str = FOLDER) -> Iterator[str]:
    """Every file under `folder` of the storage, at any depth."""
    return PRIVATE.stored_names(storage, folder)


def make_private(storage: Storage) -> int:
    """On a local file system, narrow the letters' and reports' folders to the service's user;
    count changes."""
    return PRIVATE.make_private(storage) + REPORTS.make_private(storage)


@checks.register(checks.Tags.security)
def check_private_storage(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Letters on a local file system must not be readable by other local users."""
    if storage_is_private(letter_storage()):
        return []
    return [
        checks.Warning(
            "Letter PDFs are stored readable by other local users.",
            hint=(
                'Give the storage OPTIONS {"file_permissions_mode": 0o600, '
                '"directory_permissions_mode": 0o700} and run manage.py secure_letter_files.'
            ),
            id="letters.W001",
        )
    ]
