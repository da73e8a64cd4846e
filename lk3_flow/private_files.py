"""Files of a case kept private: the letters' PDFs, the attachments' scans and photos.

Three promises, kept here for every kind of such file and nowhere else:
- a file's name says nothing: not a token, not a number, not the case, not the uploaded name;
- on a local file system only the service's own user may read the files (0600 in 0700 folders);
- a transaction that rolls back leaves no file behind. Django has no rollback hook, so a file
  written inside a transaction is remembered until its transaction commits; once the connection
  is outside any transaction, every remembered file whose row does not exist is deleted. The
  database decides, so a committed row never loses its file.

This module knows nothing of letters or attachments: each names its model, its file field and
its folder in a `PrivateFiles`, and the storage is the field's own.
"""

import logging
import os
import secrets
import stat
import threading
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.db import DatabaseError, models, router, transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

# Readable and writable by the service's own user only; folders passable by it only.
FILE_MODE = 0o600
FOLDER_MODE = 0o700
_HEX_NAME_LENGTH = 32


def storage_is_private(storage: Storage) -> bool:
    """Whether files the storage writes on a local file system are the service user's only."""
    if not isinstance(storage, FileSystemStorage):
        return True
    file_mode, folder_mode = storage.file_permissions_mode, storage.directory_permissions_mode
    if file_mode is None or folder_mode is None:
        return False
    return not (file_mode | folder_mode) & 0o077


class PrivateFiles:
    """The files of one model's file field, under one folder of that field's storage."""

    def __init__(self, *, model: str, field: str, folder: str) -> None:
        self.model_label = model
        self.field_name = field
        self.folder = folder
        self._uncommitted = threading.local()

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def storage(self) -> Storage:
        return self.model._meta.get_field(self.field_name).storage

    def random_name(self, year: int, extension: str) -> str:
        """A fresh name under the year's folder: nothing in it can be used to find the row."""
        return f"{self.folder}/{year}/{secrets.token_hex(_HEX_NAME_LENGTH // 2)}.{extension}"

    def is_private_name(self, name: str, extensions: frozenset[str]) -> bool:
        """Whether `name` is one `random_name` gives, with one of these extensions."""
        parts = name.split("/")
        if len(parts) != 3 or parts[0] != self.folder or not parts[1].isdigit():
            return False
        stem, _dot, extension = parts[2].partition(".")
        return (
            extension in extensions
            and len(stem) == _HEX_NAME_LENGTH
            and all(c in "0123456789abcdef" for c in stem)
        )

    def store(self, field_file: FieldFile, data: bytes) -> None:
        """Write the bytes under a fresh name (the field's upload_to); kept only if committed."""
        field_file.save("file", ContentFile(data), save=False)
        alias, name = self._alias(), field_file.name
        self._names(alias).add(name)
        transaction.on_commit(lambda: self._names(alias).discard(name), using=alias)

    def delete_now(self, field_file: FieldFile) -> None:
        """Remove the file of a row being rolled back, now rather than after the request.

        Never raises: the caller is already handling the error that made it roll back. A file
        that cannot be removed stays remembered, for the next try at the end of the request.
        """
        try:
            field_file.storage.delete(field_file.name)
        except OSError:
            logger.exception("Could not remove %s, left by a rolled-back change", field_file.name)
            return
        self._names(self._alias()).discard(field_file.name)

    def delete_after_commit(self, name: str) -> None:
        """Remove a file once the transaction that stops pointing to it commits.

        Deleted earlier, a rollback would leave a row without its file; never deleted if the
        transaction rolls back, since the row still points to it then.
        """
        storage = self.storage()

        def delete() -> None:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not remove %s, no longer pointed to", name)

        transaction.on_commit(delete, using=self._alias())

    def discard_rolled_back_files(self, **_signal: Any) -> None:
        """Delete the files written by transactions of this thread that ended without committing.

        Runs where no transaction can still be open on the connection: at the end of every
        request (a `request_finished` receiver). Inside a transaction it waits: its files may
        still commit.
        """
        for alias, names in getattr(self._uncommitted, "by_alias", {}).items():
            if not names or transaction.get_connection(alias).in_atomic_block:
                continue
            pending = set(names)
            rows = self.model._default_manager.using(alias)
            try:
                lookup = {f"{self.field_name}__in": pending}
                kept = set(rows.filter(**lookup).values_list(self.field_name, flat=True))
            except DatabaseError:
                # The database is away (perhaps what failed the request): ask again next time.
                logger.warning("Could not look up %d private files to clean up", len(pending))
                continue
            names.difference_update(pending)
            for name in pending - kept:
                try:
                    self.storage().delete(name)
                except OSError:
                    logger.exception("Could not remove %s, left by a rolled-back change", name)

    def stored_names(self, storage: Storage | None = None, folder: str = "") -> Iterator[str]:
        """Every file under the folder of the storage, at any depth."""
        storage = storage or self.storage()
        folder = folder or self.folder
        if not storage.exists(folder):
            return
        folders, files = storage.listdir(folder)
        for file in files:
            yield f"{folder}/{file}"
        for sub in folders:
            yield from self.stored_names(storage, f"{folder}/{sub}")

    def make_private(self, storage: Storage | None = None) -> int:
        """On a local file system, narrow the folder to the service's user; count changes."""
        storage = storage or self.storage()
        if not isinstance(storage, FileSystemStorage) or not storage.exists(self.folder):
            return 0
        changed = 0
        for folder, _subfolders, names in os.walk(storage.path(self.folder)):
            files = [(os.path.join(folder, name), FILE_MODE) for name in names]
            for path, mode in [(folder, FOLDER_MODE), *files]:
                # A link is never ours to follow: its target may be anything on the machine.
                if os.path.islink(path) or stat.S_IMODE(os.stat(path).st_mode) == mode:
                    continue
                os.chmod(path, mode)
                changed += 1
        return changed

    def _alias(self) -> str:
        return router.db_for_write(self.model)

    def _names(self, alias: str) -> set[str]:
        by_alias: dict[str, set[str]] = self._uncommitted.__dict__.setdefault("by_alias", {})
        return by_alias.setdefault(alias, set())
