"""The shared cache behind the public pages' rate limits (CACHE_URL; the database by default).

The embedded default keeps the cache in a table of the project's own database, so that `make run`
needs no other service; `createcachetable` runs after every `migrate` (a `post_migrate` step).
"""

import base64
import pickle
from typing import Any

from django.core.cache.backends import db
from django.core.management import call_command
from django.db import connections, router, transaction
from django.utils import timezone


class DatabaseCache(db.DatabaseCache):
    """Django's database cache with an increment that parallel requests cannot race past.

    A rate limit counts with `incr()`. Django's own reads the value and writes it back in two
    statements, so requests served at the same moment all pass at the same count. Here the row
    is locked (PostgreSQL) or the write lock taken at the start (SQLite's IMMEDIATE transactions,
    see settings) for the read and the write.
    """

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table, cache_key = quote(self._table), quote("cache_key")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "
                f"WHERE {cache_key} = %s AND {quote('expires')} > %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {cache_key} = %s",
                [pickled, key],
            )
        return value


def create_cache_tables(using: str, **_signal: Any) -> None:
    """After `migrate` (and the test database's creation): the database caches' tables."""
    call_command("createcachetable", database=using, verbosity=0)
