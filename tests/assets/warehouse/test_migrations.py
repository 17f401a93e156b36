"""The DuckDB file's versioned schema: a new file, a file from before versions were kept, and a
migration that fails half way."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pytest

from assets.warehouse import migrations
from assets.warehouse.migrations import SCHEMA_VERSION, Migration, migrate, schema_version
from assets.warehouse.tables import PIPELINE_TABLES

DAY = date(2026, 3, 2)
ROOM = "c_1@resource.calendar.google.com"


def columns(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute(f"DESCRIBE {table}").fetchall()]


def test_a_new_file_gets_every_table_as_defined_once():
    with duckdb.connect() as conn:
        assert schema_version(conn) == 0
        assert migrate(conn) == list(range(1, SCHEMA_VERSION + 1))
        assert schema_version(conn) == SCHEMA_VERSION
        for table in PIPELINE_TABLES:
            assert [c for c, _ in columns(conn, table.name)] == table.column_names
        assert migrate(conn) == []  # current: nothing to do
        assert "schema_migrations" not in {r[0] for r in conn.execute("SHOW TABLES").fetchall()}


def test_a_file_from_before_versions_gains_columns_and_its_old_rows_their_values(tmp_path):
    """meet_meetings as the first releases wrote it: no answers, no rooms apart, no account."""
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "CREATE TABLE meet_meetings (event_id VARCHAR, partition_date DATE, title VARCHAR, "
            "start_time TIMESTAMPTZ, end_time TIMESTAMPTZ, attendees VARCHAR[], "
            "conference_id VARCHAR, organizer_email VARCHAR)"
        )
        start = datetime(2026, 3, 2, 9, tzinfo=UTC)
        conn.execute(
            "INSERT INTO meet_meetings VALUES (?, ?, 'Old call', ?, ?, ?, 'abc-mnop-xyz', ?)",
            ["e1", DAY, start, start, ["ana@ourco.com", ROOM, "carl@acme.com"], "ana@ourco.com"],
        )
        conn.execute(
            "CREATE TABLE calendar_events (event_id VARCHAR, partition_date DATE, "
            "account_email VARCHAR)"
        )
        conn.execute(
            "INSERT INTO calendar_events VALUES ('e1', ?, NULL), ('e2', ?, 'ana@ourco.com')",
            [DAY, DAY],
        )
    with duckdb.connect(str(path)) as conn:
        assert migrate(conn) == list(range(1, SCHEMA_VERSION + 1))
        meeting = conn.execute(
            "SELECT attendees, rooms, attendee_responses, account_email FROM meet_meetings"
        ).fetchone()
        events = conn.execute("SELECT account_email FROM calendar_events ORDER BY 1").fetchall()
        applied = conn.execute(
            "SELECT version FROM meetsync_meta.schema_migrations ORDER BY 1"
        ).fetchall()
    unknown = {"response_status": None, "is_optional": None, "is_organizer": None}
    assert meeting == (
        ["ana@ourco.com", "carl@acme.com"],
        [ROOM],
        [{"email": "ana@ourco.com", **unknown}, {"email": "carl@acme.com", **unknown}],
        None,  # meet_meetings never named an account: unknown
    )
    assert events == [("ana@ourco.com",), ("ana@ourco.com",)]  # the file's one account
    assert applied == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


def test_a_file_at_version_3_gains_the_columns_of_version_4(monkeypatch):
    """A file written before version 4: its calendar tables lack the three columns."""
    new_columns = ("event_type", "attendees_omitted", "account_response")
    with duckdb.connect() as conn:
        monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
        monkeypatch.setattr(migrations, "SCHEMA_VERSION", 3)
        migrate(conn)
        for table in ("calendar_events", "meet_meetings"):
            for column in new_columns:
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("INSERT INTO meet_meetings (event_id) VALUES ('e1')")
        monkeypatch.undo()
        assert migrate(conn) == [4]
        for table in ("calendar_events", "meet_meetings"):
            assert [c for c, _ in columns(conn, table)][-3:] == list(new_columns), table
        assert conn.execute("SELECT event_type FROM meet_meetings").fetchall() == [(None,)]


def test_a_migration_that_fails_leaves_the_file_at_the_version_before(monkeypatch):
    def broken(conn: duckdb.DuckDBPyConnection) -> None:
        conn.execute("ALTER TABLE transcripts ADD COLUMN half_done INTEGER")
        raise RuntimeError("disk full")

    with duckdb.connect() as conn:
        migrate(conn)
        monkeypatch.setattr(
            migrations,
            "MIGRATIONS",
            (*migrations.MIGRATIONS, Migration(SCHEMA_VERSION + 1, "broken", broken)),
        )
        monkeypatch.setattr(migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        with pytest.raises(RuntimeError, match="disk full"):
            migrate(conn)
        assert schema_version(conn) == SCHEMA_VERSION
        assert "half_done" not in [c for c, _ in columns(conn, "transcripts")]
