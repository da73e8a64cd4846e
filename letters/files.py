"""Where letter PDFs are stored.

Three promises, kept here and nowhere else:
- a file's name says nothing: not the public verification token, not the number, not the case;
- on a local file system only the service's own user may read the files (0600 in 0700 folders);
- a transaction that rolls back leaves no file behind. Django has no rollback hook, so a file
  written inside a transaction is remembered until its transaction commits; once the connection
  is outside any transaction, every remembered file whose letter row does not exist is deleted.
  The database decides, so a committed letter never loses its file.
"""

import logging
import os
import secrets
import stat
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.db import DatabaseError, router, transaction
from django.db.models.fields.files import FieldFile

if TYPE_CHECKING:
    from .models import Letter

logger = logging.getLogger(__name__)

FOLDER = "letters"
# Readable and writable by the service's own user only; folders passable by it only.
FILE_MODE = 0o600
FOLDER_MODE = 0o700

_uncommitted = threading.local()


def letter_file_name(instance: "Letter", filename: str) -> str:
    """A random name under the letter's year: nothing in it can be used to find the letter."""
    return f"{FOLDER}/{instance.issued_on.year}/{secrets.token_hex(16)}.pdf"


def is_private_name(name: str) -> bool:
    """Whether `name` is one `letter_file_name` gives (older letters were named by their token)."""
    parts = name.split("/")
    if len(parts) != 3 or parts[0] != FOLDER or not parts[1].isdigit():
        return False
    stem, _dot, extension = parts[2].partition(".")
    return extension == "pdf" and len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)


def letter_storage() -> Storage:
    from .models import Letter

    return Letter._meta.get_field("pdf").storage


def store_pdf(letter: "Letter", data: bytes) -> None:
    """Write the letter's bytes under a fresh name; kept only if the transaction commits."""
    letter.pdf.save("letter.pdf", ContentFile(data), save=False)
    _remember_until_commit(letter.pdf)


def delete_pdf(field_file: FieldFile) -> None:
    """Remove the file of a letter row being rolled back, now rather than after the request.

    Never raises: the caller is already handling the error that made it roll back. A file that
    cannot be removed stays remembered, for the next try at the end of the request.
    """
    try:
        field_file.storage.delete(field_file.name)
    except OSError:
        logger.exception("Could not remove %s, left by a rolled-back letter", field_file.name)
        return
    _names(_alias()).discard(field_file.name)


def _alias() -> str:
    from .models import Letter

    return router.db_for_write(Letter)


def _names(alias: str) -> set[str]:
    by_alias: dict[str, set[str]] = _uncommitted.__dict__.setdefault("by_alias", {})
    return by_alias.setdefault(alias, set())


def _remember_until_commit(field_file: FieldFile) -> None:
    alias, name = _alias(), field_file.name
    _names(alias).add(name)
    transaction.on_commit(lambda: _names(alias).discard(name), using=alias)


def discard_rolled_back_files(**_signal: Any) -> None:
    """Delete the files written by transactions of this thread that ended without committing.

    Runs where no transaction can still be open on the connection: at the end of every request
    (a `request_finished` receiver). Inside a transaction it waits: its files may still commit.
    """
    from .models import Letter

    for alias, names in getattr(_uncommitted, "by_alias", {}).items():
        if not names or transaction.get_connection(alias).in_atomic_block:
            continue
        pending = set(names)
        try:
            kept = set(
                Letter.objects.using(alias).filter(pdf__in=pending).values_list("pdf", flat=True)
            )
        except DatabaseError:
            # The database is away (perhaps what failed the request): ask again next time.
            logger.warning("Could not look up %d letter files to clean up", len(pending))
            continue
        names.difference_update(pending)
        for name in pending - kept:
            try:
                letter_storage().delete(name)
            except OSError:
                logger.exception("Could not remove %s, left by a rolled-back letter", name)


def stored_names(storage: Storage, folder: str = FOLDER) -> Iterator[str]:
    """Every file under `folder` of the storage, at any depth."""
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for file in files:
        yield f"{folder}/{file}"
    for sub in folders:
        yield from stored_names(storage, f"{folder}/{sub}")


def make_private(storage: Storage) -> int:
    """On a local file system, narrow the letters folder to the service's user; count changes."""
    if not isinstance(storage, FileSystemStorage) or not storage.exists(FOLDER):
        return 0
    changed = 0
    for folder, _subfolders, names in os.walk(storage.path(FOLDER)):
        entries = [(folder, FOLDER_MODE)] + [(os.path.join(folder, f), FILE_MODE) for f in names]
        for path, mode in entries:
            # A link is never ours to follow: its target may be anything on the machine.
            if os.path.islink(path) or stat.S_IMODE(os.stat(path).st_mode) == mode:
                continue
            os.chmod(path, mode)
            changed += 1
    return changed


@checks.register(checks.Tags.security)
def check_private_storage(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Letters on a local file system must not be readable by other local users."""
    storage = letter_storage()
    if not isinstance(storage, FileSystemStorage):
        return []
    file_mode, folder_mode = storage.file_permissions_mode, storage.directory_permissions_mode
    if file_mode is not None and folder_mode is not None and not (file_mode | folder_mode) & 0o077:
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
