"""The DuckDB file's schema, versioned: every writer and the SQL models run ``migrate`` first.

The version is kept in the table ``meetsync_meta.schema_migrations`` (one row per applied
migration; a schema of its own, so analysts' ``SHOW TABLES`` lists the warehouse only). Each
migration runs once, in its own transaction with the version it brings, so a file is always
at one version. Migrations, in order:

1. the five pipeline tables as ``tables.py`` defines them; a file written before versions
   were kept gains the columns it lacks;
2. ``sql/migrations/0002_attendee_answers.sql``: rows imported before attendees' answers and
   rooms were kept get them (unknown answers, rooms out of the attendees);
3. ``sql/migrations/0003_account_email.sql``: rows imported before ``account_email`` take the
   file's one connected account;
4. ``event_type``, ``attendees_omitted`` and ``account_response`` in calendar_events and
   meet_meetings (NULL for rows imported before: the next import of their day fills them).

A schema change is a new entry at the end of ``MIGRATIONS``, never an edit of an old one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.warehouse.slices import transaction
from assets.warehouse.tables import (
    CALENDAR_EVENTS,
    MEET_MEETINGS,
    PIPELINE_TABLES,
    Table,
    quoted_identifier,
)

MIGRATIONS_DIR = Path(__file__).parent / "sql" / "migrations"
VERSION_SCHEMA, VERSION_TABLE = "meetsync_meta", "schema_migrations"
VERSIONS = f"{VERSION_SCHEMA}.{VERSION_TABLE}"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def _create_pipeline_tables(conn: duckdb.DuckDBPyConnection) -> None:
    for table in PIPELINE_TABLES:
        table.create(conn)
        table.add_missing_columns(conn)


def _add_columns(
    tables: tuple[Table, ...], names: tuple[str, ...]
) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """Add the columns ``names`` (as ``tables.py`` defines them) to each of ``tables``."""

    def apply(conn: duckdb.DuckDBPyConnection) -> None:
        for table in tables:
            for column in (c for c in table.columns if c.name in names):
                conn.execute(
                    f"ALTER TABLE {quoted_identifier(table.name)} ADD COLUMN IF NOT EXISTS "
                    f"{quoted_identifier(column.name)} {column.type}"
                )

    return apply


def _sql_file(name: str) -> Callable[[duckdb.DuckDBPyConnection], None]:
    def apply(conn: duckdb.DuckDBPyConnection) -> None:
        conn.execute((MIGRATIONS_DIR / name).read_text(encoding="utf-8"))

    return apply


MIGRATIONS = (
    Migration(1, "the pipeline tables, with every column", _create_pipeline_tables),
    Migration(
        2, "attendee answers and rooms of older rows", _sql_file("0002_attendee_answers.sql")
    ),
    Migration(3, "account_email of older rows", _sql_file("0003_account_email.sql")),
    Migration(
        4,
        "event_type, attendees_omitted and account_response",
        _add_columns(
            (CALENDAR_EVENTS, MEET_MEETINGS),
            ("event_type", "attendees_omitted", "account_response"),
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The file's version: 0 for a file without the version table (new, or from before
    versions were kept)."""
    found = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [VERSION_SCHEMA, VERSION_TABLE],
    ).fetchone()
    if not found or not found[0]:
        return 0
    row = conn.execute(f"SELECT max(version) FROM {VERSIONS}").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Bring the file to ``SCHEMA_VERSION``; the versions applied (none when it is current)."""
    if schema_version(conn) == SCHEMA_VERSION:
        return []
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {VERSION_SCHEMA}")
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {VERSIONS} "
        "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ)"
    )
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= schema_version(conn):
            continue
        with transaction(conn):
            migration.apply(conn)
            conn.execute(
                f"INSERT INTO {VERSIONS} VALUES (?, ?, now())",
                [migration.version, migration.description],
            )
        applied.append(migration.version)
    return applied
