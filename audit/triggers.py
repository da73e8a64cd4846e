"""Database triggers that keep the audit log append-only, on SQLite and PostgreSQL.

Events and their seals refuse UPDATE, DELETE and TRUNCATE. The sealer's queue refuses UPDATE and
TRUNCATE, and lets a row go only once its event has a seal, so no committed event can leave the
queue without entering the chain. They make tampering fail loudly; the hash chain makes what
gets through them detectable.
"""

from typing import Any

EVENTS = "audit_auditevent"
SEALS = "audit_auditseal"
PENDING = "audit_auditpending"
MESSAGE = "audit events are append-only"
EARLY_DELETE = "an audit event leaves the queue only once it is sealed"

# (table, trigger name prefix): the tables whose rows never change nor go.
_FIXED = [(EVENTS, "audit_event"), (SEALS, "audit_seal")]

_SQLITE: dict[str, list[str]] = {
    **{
        table: [
            f"CREATE TRIGGER IF NOT EXISTS {name}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
            f"CREATE TRIGGER IF NOT EXISTS {name}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
        ]
        for table, name in _FIXED
    },
    # SQLite has no TRUNCATE: its "truncate optimisation" of DELETE is off when triggers exist.
    PENDING: [
        f"CREATE TRIGGER IF NOT EXISTS audit_pending_no_update BEFORE UPDATE ON {PENDING} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
        f"CREATE TRIGGER IF NOT EXISTS audit_pending_sealed_only BEFORE DELETE ON {PENDING} "
        f"WHEN NOT EXISTS (SELECT 1 FROM {SEALS} WHERE event_id = OLD.event_id) "
        f"BEGIN SELECT RAISE(ABORT, '{EARLY_DELETE}'); END;",
    ],
}
_SQLITE_NAMES = {
    **{table: [f"{name}_no_update", f"{name}_no_delete"] for table, name in _FIXED},
    PENDING: ["audit_pending_no_update", "audit_pending_sealed_only"],
}

_POSTGRESQL_FUNCTIONS = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;",
    "CREATE OR REPLACE FUNCTION audit_pending_sealed_only() RETURNS trigger AS $$ "
    f"BEGIN IF NOT EXISTS (SELECT 1 FROM {SEALS} WHERE event_id = OLD.event_id) THEN "
    f"RAISE EXCEPTION '{EARLY_DELETE}'; END IF; RETURN OLD; END; $$ LANGUAGE plpgsql;",
]
_POSTGRESQL: dict[str, list[tuple[str, str]]] = {  # table: [(trigger, what it does)]
    **{
        table: [
            (
                f"{name}_no_change",
                "BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
            ),
            (
                f"{name}_no_truncate",
                "BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
            ),
        ]
        for table, name in _FIXED
    },
    PENDING: [
        (
            "audit_pending_no_update",
            "BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        ),
        (
            "audit_pending_no_truncate",
            "BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
        ),
        (
            "audit_pending_sealed_only",
            "BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION audit_pending_sealed_only()",
        ),
    ],
}


def _present(connection: Any) -> list[str]:
    """The audit tables this database has: migrations install triggers before the later tables
    exist, and a migration back removes them."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return [table for table in (EVENTS, SEALS, PENDING) if table in existing]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any) -> None:
    tables = _present(connection)
    if connection.vendor == "sqlite":
        _run(connection, [sql for table in tables for sql in _SQLITE[table]])
    elif connection.vendor == "postgresql":
        statements = list(_POSTGRESQL_FUNCTIONS)
        for table in tables:
            for name, body in _POSTGRESQL[table]:
                statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
                statements.append(f"CREATE TRIGGER {name} {body.format(table=table)};")
        _run(connection, statements)


def remove(connection: Any) -> None:
    tables = _present(connection)
    if connection.vendor == "sqlite":
        _run(connection, [f"DROP TRIGGER IF EXISTS {n};" for t in tables for n in _SQLITE_NAMES[t]])
    elif connection.vendor == "postgresql":
        _run(
            connection,
            [f"DROP TRIGGER IF EXISTS {n} ON {t};" for t in tables for n, _ in _POSTGRESQL[t]],
        )
