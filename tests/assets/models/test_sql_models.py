"""The SQL models of dbt_like_sql/: exact rows over a hand-seeded DuckDB, their declared
dependencies, and one real Dagster run of every model against the emulator."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from graphlib import TopologicalSorter

import dagster as dg
import duckdb
import pytest

from assets.models.sql_models import SqlModel, describe_view, load_models, parse_model, view_schemas
from assets.warehouse.migrations import migrate
from assets.warehouse.tables import (
    CALENDAR_EVENTS,
    CONFERENCE_RECORDS,
    MEET_MEETINGS,
    TRANSCRIPT_ENTRIES,
    TRANSCRIPTS,
    Table,
)
from emulator.data import corpus
from tests.helpers import YESTERDAY

BASE_TABLES = (CALENDAR_EVENTS, MEET_MEETINGS, CONFERENCE_RECORDS, TRANSCRIPTS, TRANSCRIPT_ENTRIES)
MODELS = {model.name: model for model in load_models()}
D1, D2, D3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def at(day: date, clock: str) -> datetime:
    """A UTC moment on ``day`` from 'HH:MM' or 'HH:MM:SS.ffffff'."""
    return datetime.combine(day, datetime.strptime(clock, "%H:%M:%S.%f").time(), UTC)


def hm(day: date, clock: str) -> datetime:
    return at(day, clock + ":00.0")


ACCOUNT = "ana@ourco.com"  # the connected account: ourco.com is internal

# event_id, day, title, start, end, attendees, organizer, transcript_status (None: not fetched)
# fmt: off
SEED_MEETINGS = [
    ("m1", D1, "Acme kickoff", "09:00", "10:00",
     ["ana@ourco.com", "Ben@OurCo.com", "carl@acme.com", "dana@ACME.com"], "ana@ourco.com",
     "available"),
    ("m2", D1, "Acme + Globex sync", "14:00", "14:30",
     ["ana@ourco.com", "carl@acme.com", "eve@globex.io"], "ana@ourco.com", "pending"),
    ("m3", D1, "Standup", "16:00", "16:15", ["ben@ourco.com", "Ana@ourco.com"], "ben@ourco.com",
     "no_transcript"),
    ("m4", D2, "Globex review", "10:00", "11:30", ["eve@globex.io", "ana@ourco.com"],
     "eve@globex.io", "available"),
    ("m5", D2, "Focus", "12:00", "12:45", [], "ana@ourco.com", "no_conference"),
    ("m6", D2, "Who organized?", "15:00", "15:20",
     ["zed@partner.org", "nodomain", "c_6@resource.calendar.google.com"], None, None),
    ("m7", D3, "Acme follow-up", "09:00", "09:50", ["ana@ourco.com", "Carl@Acme.com"],
     "ana@ourco.com", "expired"),
    ("m8", D3, "Old call", "11:00", "11:10", None, "ana@ourco.com", "unsupported"),
    ("m9", D3, "Broken", "13:00", "14:00", ["ana@ourco.com"], "ana@ourco.com", "failed"),
    ("m10", D3, "Acme offsite", "15:00", "17:00", ["ana@ourco.com", "carl@acme.com"],
     "carl@acme.com", "declined"),
]
# fmt: on

# Meetings imported with attendee responses (the others predate them: NULL): email ->
# (responseStatus, optional); and their booked rooms.
RESPONSES = {
    "m1": {
        "ana@ourco.com": ("accepted", False),
        "Ben@OurCo.com": ("tentative", False),
        "carl@acme.com": ("accepted", False),
        "dana@ACME.com": ("declined", False),
    },
    "m2": {
        "ana@ourco.com": ("accepted", False),
        "carl@acme.com": ("needsAction", False),
        "eve@globex.io": ("declined", False),
    },
    "m3": {"ben@ourco.com": ("accepted", False), "Ana@ourco.com": ("accepted", True)},
}
ROOMS = {"m1": ["c_1@resource.calendar.google.com"], "m3": []}

# event_id, day, speaker, text, start, end (None: Meet gave no times)
SEED_ENTRIES = [
    ("m1", D1, "Ana", "Welcome everyone to the kickoff", "09:01:00.0", "09:01:30.0"),
    ("m1", D1, "Carl", "Thanks  Ana", "09:01:30.0", "09:02:00.0"),
    ("m1", D1, "Ana", "Let us start", "09:02:00.0", "09:03:00.5"),
    ("m1", D1, "Unknown speaker", "", "09:03:00.5", "09:03:10.5"),
    ("m4", D2, "Eve", "Hello from Globex", "10:00:00.0", "10:00:20.0"),
    ("m4", D2, "Ana", "ok", None, None),
]


def insert(conn: duckdb.DuckDBPyConnection, table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts, missing columns NULL) into ``table`` by column name."""
    names = table.column_names
    placeholders = ", ".join("?" for _ in names)
    conn.executemany(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({placeholders})",
        [[row.get(name) for name in names] for row in rows],
    )


def seed_rows() -> dict[Table, list[dict]]:
    """Rows of every base table for SEED_MEETINGS and SEED_ENTRIES."""
    events, meetings, records, transcripts = [], [], [], []
    for event_id, day, title, start, end, attendees, organizer, status in SEED_MEETINGS:
        meeting = {
            "event_id": event_id,
            "partition_date": day,
            "title": title,
            "start_time": hm(day, start),
            "end_time": hm(day, end),
            "attendees": attendees,
            "conference_id": f"cod-{event_id}xx-abc",
            "organizer_email": organizer,
            # m6 predates the account_email column: the migration gives it the file's one
            # connected account
            "account_email": None if event_id == "m6" else ACCOUNT,
            "attendee_responses": [
                {
                    "email": email,
                    "response_status": status,
                    "is_optional": optional,
                    "is_organizer": email == organizer,
                }
                for email, (status, optional) in RESPONSES[event_id].items()
            ]
            if event_id in RESPONSES
            else None,
            "rooms": ROOMS.get(event_id),
        }
        events.append({**meeting, "conference_solution": "hangoutsMeet", "status": "confirmed"})
        meetings.append(meeting)
        if status is None:
            continue
        record = f"conferenceRecords/{event_id}"
        records.append({"record_name": record, "event_id": event_id, "partition_date": day})
        transcripts.append(
            {"event_id": event_id, "partition_date": day, "transcript_status": status}
        )
    entries = [
        {
            "entry_name": f"conferenceRecords/{event_id}/transcripts/t/entries/{index}",
            "event_id": event_id,
            "partition_date": day,
            "entry_index": index,
            "speaker": speaker,
            "text": text,
            "start_time": start and at(day, start),
            "end_time": end and at(day, end),
        }
        for index, (event_id, day, speaker, text, start, end) in enumerate(SEED_ENTRIES)
    ]
    return {
        CALENDAR_EVENTS: events,
        MEET_MEETINGS: meetings,
        CONFERENCE_RECORDS: records,
        TRANSCRIPTS: transcripts,
        TRANSCRIPT_ENTRIES: entries,
    }


def model_order(models: dict[str, SqlModel]) -> list[str]:
    """Model names, every model after the models it depends on."""
    graph = {name: [d for d in model.depends_on if d in models] for name, model in models.items()}
    return list(TopologicalSorter(graph).static_order())


def with_upstream(name: str) -> set[str]:
    """``name`` and every model it depends on, directly or not."""
    found = {name}
    for dep in MODELS[name].depends_on:
        if dep in MODELS:
            found |= with_upstream(dep)
    return found


def build(conn: duckdb.DuckDBPyConnection, models: list[str]) -> None:
    """Create the base tables as a file from before schema versions had them, seed them
    (some rows as older imports wrote them), migrate, and create ``models`` in dependency
    order."""
    for table, rows in seed_rows().items():
        table.create(conn)
        insert(conn, table, rows)
    migrate(conn)
    for name in model_order({n: MODELS[n] for n in models}):
        conn.execute(MODELS[name].create_view)


@pytest.fixture(scope="module")
def seeded() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(":memory:")
    build(conn, list(MODELS))
    yield conn
    conn.close()


def rows(conn: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def test_models_are_the_expected_ones():
    assert set(MODELS) >= {
        "meetings",
        "meeting_attendees",
        "partner_meeting_summary",
        "speaker_talk_time",
        "daily_meeting_stats",
    }
    assert all(model.description for model in MODELS.values())


def test_meeting_attendees(seeded):
    found = rows(seeded, "SELECT * FROM meeting_attendees ORDER BY event_id, attendee_email")
    # fmt: off
    assert found == [
        ("m1", D1, hm(D1, "09:00"), "Acme kickoff", "Ben@OurCo.com", "ourco.com", True,
         "tentative", False, "cod-m1xx-abc"),
        ("m1", D1, hm(D1, "09:00"), "Acme kickoff", "ana@ourco.com", "ourco.com", True,
         "accepted", False, "cod-m1xx-abc"),
        ("m1", D1, hm(D1, "09:00"), "Acme kickoff", "carl@acme.com", "acme.com", False,
         "accepted", False, "cod-m1xx-abc"),
        ("m1", D1, hm(D1, "09:00"), "Acme kickoff", "dana@ACME.com", "acme.com", False,
         "declined", False, "cod-m1xx-abc"),
        # declined by the account: its attendees are still its attendees
        ("m10", D3, hm(D3, "15:00"), "Acme offsite", "ana@ourco.com", "ourco.com", True,
         None, None, "cod-m10xx-abc"),
        ("m10", D3, hm(D3, "15:00"), "Acme offsite", "carl@acme.com", "acme.com", False,
         None, None, "cod-m10xx-abc"),
        ("m2", D1, hm(D1, "14:00"), "Acme + Globex sync", "ana@ourco.com", "ourco.com", True,
         "accepted", False, "cod-m2xx-abc"),
        ("m2", D1, hm(D1, "14:00"), "Acme + Globex sync", "carl@acme.com", "acme.com", False,
         "needsAction", False, "cod-m2xx-abc"),
        ("m2", D1, hm(D1, "14:00"), "Acme + Globex sync", "eve@globex.io", "globex.io", False,
         "declined", False, "cod-m2xx-abc"),
        ("m3", D1, hm(D1, "16:00"), "Standup", "Ana@ourco.com", "ourco.com", True,
         "accepted", True, "cod-m3xx-abc"),
        ("m3", D1, hm(D1, "16:00"), "Standup", "ben@ourco.com", "ourco.com", True,
         "accepted", False, "cod-m3xx-abc"),
        # organized by Globex, on our calendar: ourco.com is still the internal domain;
        # imported before responses were kept
        ("m4", D2, hm(D2, "10:00"), "Globex review", "ana@ourco.com", "ourco.com", True,
         None, None, "cod-m4xx-abc"),
        ("m4", D2, hm(D2, "10:00"), "Globex review", "eve@globex.io", "globex.io", False,
         None, None, "cod-m4xx-abc"),
        # imported before account_email (the file's one account is internal): no '@' means
        # no domain; its room (imported among the attendees before rooms were told apart)
        # is left out
        ("m6", D2, hm(D2, "15:00"), "Who organized?", "nodomain", None, None, None, None,
         "cod-m6xx-abc"),
        ("m6", D2, hm(D2, "15:00"), "Who organized?", "zed@partner.org", "partner.org", False,
         None, None, "cod-m6xx-abc"),
        ("m7", D3, hm(D3, "09:00"), "Acme follow-up", "Carl@Acme.com", "acme.com", False,
         None, None, "cod-m7xx-abc"),
        ("m7", D3, hm(D3, "09:00"), "Acme follow-up", "ana@ourco.com", "ourco.com", True,
         None, None, "cod-m7xx-abc"),
        ("m9", D3, hm(D3, "13:00"), "Broken", "ana@ourco.com", "ourco.com", True,
         None, None, "cod-m9xx-abc"),
    ]
    # fmt: on


def test_partner_meeting_summary(seeded):
    assert rows(seeded, "SELECT * FROM partner_meeting_summary") == [
        # m1 (60 min; dana declined, carl did not), m2 (30), m7 (50); carl@ and Carl@ are one
        # attendee, and dana, who declined, is none
        ("acme.com", 3, 2.33, hm(D1, "09:00"), hm(D3, "09:00"), 1, 0.333, 1),
        # m4 (90 min, available, organized by Globex); in m2 Eve declined: not a Globex meeting
        ("globex.io", 1, 1.5, hm(D2, "10:00"), hm(D2, "10:00"), 1, 1.0, 1),
        # m6 (20 min, not fetched): imported before account_email, its internal domain is
        # the file's one account's
        ("partner.org", 1, 0.33, hm(D2, "15:00"), hm(D2, "15:00"), 0, 0.0, 1),
    ]


def test_meetings_keep_rooms_apart_from_attendees(seeded):
    assert rows(seeded, "SELECT attendees, rooms FROM meetings WHERE event_id = 'm1'") == [
        (
            ["ana@ourco.com", "Ben@OurCo.com", "carl@acme.com", "dana@ACME.com"],
            ["c_1@resource.calendar.google.com"],
        )
    ]


def test_speaker_talk_time(seeded):
    assert rows(seeded, "SELECT * FROM speaker_talk_time") == [
        ("m1", D1, "Ana", 2, 8, 90.5, 0.693),
        ("m1", D1, "Carl", 1, 2, 30.0, 0.23),
        ("m1", D1, "Unknown speaker", 1, 0, 10.0, 0.077),
        ("m4", D2, "Eve", 1, 3, 20.0, 1.0),
        ("m4", D2, "Ana", 1, 1, 0.0, 0.0),
    ]


def test_daily_meeting_stats(seeded):
    assert rows(seeded, "SELECT * FROM daily_meeting_stats") == [
        # day, meetings, hours, attendees, distinct, available, pending, no_transcript,
        # no_conference, expired, unsupported, not_permitted, failed, declined, not_fetched,
        # coverage (m10, declined, is no meeting held: neither counted, nor hours, attendees)
        (D1, 3, 1.75, 9, 5, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0.333),
        # m6's room, listed among its attendees by an older import, is no attendee
        (D2, 3, 2.58, 4, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0.333),
        (D3, 3, 2.0, 3, 2, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0.0),
    ]


def test_model_column_types(seeded):
    types = dict(
        rows(
            seeded,
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_name IN ('partner_meeting_summary', 'speaker_talk_time', "
            "'daily_meeting_stats', 'meeting_attendees')",
        )
    )
    assert types["partner_meeting_summary.meeting_hours"] == "DOUBLE"
    assert types["partner_meeting_summary.first_meeting"] == "TIMESTAMP WITH TIME ZONE"
    assert types["partner_meeting_summary.last_meeting"] == "TIMESTAMP WITH TIME ZONE"
    assert types["partner_meeting_summary.transcript_coverage"] == "DOUBLE"
    assert types["speaker_talk_time.seconds_spoken"] == "DOUBLE"
    assert types["daily_meeting_stats.meeting_hours"] == "DOUBLE"
    assert types["daily_meeting_stats.attendees"] == "BIGINT"
    assert types["meeting_attendees.is_internal"] == "BOOLEAN"
    assert types["meeting_attendees.response_status"] == "VARCHAR"
    assert types["meeting_attendees.is_optional"] == "BOOLEAN"


def test_models_on_empty_tables():
    with duckdb.connect(":memory:") as conn:
        migrate(conn)
        for name in model_order(MODELS):
            conn.execute(MODELS[name].create_view)
            assert rows(conn, f"SELECT count(*) FROM {name}") == [(0,)]


def test_column_schemas_are_the_views_own_and_every_column_is_described(seeded):
    schemas = view_schemas(list(MODELS.values()))
    assert set(schemas) == set(MODELS)
    for name, model in MODELS.items():
        columns = [(c.name, c.type) for c in schemas[name].columns]
        assert columns == describe_view(seeded, name), name
        assert all(c.description for c in schemas[name].columns), name
        # a `-- column:` header documents a column the view has (no stale documentation)
        assert set(model.columns) <= {c for c, _ in columns}, name
    described = {c.name: c.description for c in schemas["daily_meeting_stats"].columns}
    assert described["attendees"].startswith("Sum of the meetings' attendee counts")
    described = {c.name: c.description for c in schemas["meetings"].columns}
    assert described["title"] == "Event summary"  # passed through from meet_meetings


def test_model_description_ends_with_its_whole_sql():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    for name, model in MODELS.items():
        description = graph.get(dg.AssetKey(name)).description
        assert description.startswith(model.description), name
        assert description.endswith(f"```sql\n{model.statement}\n```"), name
        assert model.statement.startswith(("SELECT", "WITH")), name  # a plain query
        assert model.create_view.startswith(f'CREATE OR REPLACE VIEW "{name}" AS'), name


def test_a_column_header_needs_a_name_and_a_description(tmp_path):
    path = tmp_path / "broken.sql"
    path.write_text("-- depends_on: meetings\n-- column: words\nSELECT 1\n")
    with pytest.raises(ValueError, match="-- column: name: description"):
        parse_model(path)
    path.write_text("-- depends_on: meetings\n-- column: words: Tokens: of text\nSELECT 1\n")
    assert parse_model(path).columns == {"words": "Tokens: of text"}


def test_depends_on_names_existing_assets_and_is_complete():
    from pipelines.definitions import defs

    assets = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    for model in MODELS.values():
        assert model.depends_on, model.name
        assert set(model.depends_on) <= assets - {model.name}, model.name
    for name in MODELS:
        # Only the declared (transitive) upstream exists: an undeclared reference fails here.
        with duckdb.connect(":memory:") as conn:
            build(conn, sorted(with_upstream(name)))


@pytest.mark.slow
def test_all_models_materialize_against_the_emulator(connected):
    from tests.helpers import materialize_range

    first = YESTERDAY - timedelta(days=6)
    result = materialize_range(first, YESTERDAY)
    assert result.success
    with duckdb.connect(str(connected.duckdb_path), read_only=True) as conn:
        for name in MODELS:
            assert rows(conn, f"SELECT count(*) FROM {name}")[0][0] > 0, name
        stats = rows(conn, "SELECT * EXCLUDE (transcript_coverage) FROM daily_meeting_stats")
        meetings = rows(
            conn,
            "SELECT partition_date, start_time, end_time, attendees, transcript_status "
            "FROM meetings",
        )
        assert {r[0]: r[1:] for r in stats} == expected_daily_stats(meetings)
        partners = {r[0] for r in rows(conn, "SELECT partner_domain FROM partner_meeting_summary")}
        assert partners and partners <= set(corpus.PARTNER_DOMAINS)
        spoken, entries = rows(
            conn,
            "SELECT (SELECT sum(utterances) FROM speaker_talk_time), "
            "(SELECT count(*) FROM transcript_entries)",
        )[0]
        assert spoken == entries
    # Each materialization records the schema of the view it created: the definition's.
    schemas = view_schemas(list(MODELS.values()))
    for event in result.get_asset_materialization_events():
        name = event.materialization.asset_key.to_user_string()
        if name in MODELS:
            assert event.materialization.metadata["dagster/column_schema"].value == schemas[name]


STATUS_COLUMNS = (
    "available",
    "pending",
    "no_transcript",
    "no_conference",
    "expired",
    "unsupported",
    "not_permitted",
    "failed",
    "declined",
    "not_fetched",
)


def expected_daily_stats(meetings: list[tuple]) -> dict[date, tuple]:
    """daily_meeting_stats (without coverage) computed in Python from the meetings view."""
    by_day: dict[date, list[tuple]] = {}
    for row in meetings:
        by_day.setdefault(row[0], []).append(row)
    expected = {}
    for day, day_rows in by_day.items():
        statuses = Counter(row[4] for row in day_rows)
        day_rows = [row for row in day_rows if row[4] != "declined"]  # not held
        seconds = sum((end - start).total_seconds() for _, start, end, _, _ in day_rows)
        emails = [a for row in day_rows for a in row[3] or []]
        expected[day] = (
            len(day_rows),
            round(seconds / 3600, 2),
            len(emails),
            len({a.lower() for a in emails}),
            *(statuses[s] for s in STATUS_COLUMNS),
        )
    return expected
