"""Over real HTTP: days imported while Meet kept them, re-imported after Google forgot them
(the emulator's clock and the step's moved 32 days on), keep every transcript, entry (times
included) and conference record they had; what Google still gives is taken where nothing
better was stored."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import duckdb

from assets.calendar.calendar_events import import_calendar_slice
from assets.calendar.meet_meetings import import_meet_meetings_slice
from assets.transcripts.meet_step import import_meet_slice
from settings import Settings
from tests.helpers import YESTERDAY, google_client, materialize_range

MEET_TABLES = ("conference_records", "transcripts", "transcript_entries")
RUN_TIME = "checked_at"


def meet_rows(path) -> dict[str, list[tuple]]:
    """The three Meet tables, without when Meet was asked (a row Google still serves as well
    is fetched again)."""
    with duckdb.connect(str(path), read_only=True) as conn:
        return {
            t: conn.execute(f"SELECT * EXCLUDE ({RUN_TIME}) FROM {t} ORDER BY ALL").fetchall()
            if t == "transcripts"
            else conn.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in MEET_TABLES
        }


def reimport(path, first, end, now: datetime) -> None:
    """What the three importing assets do for [first, end), at ``now``."""
    start = datetime.combine(first, datetime.min.time(), UTC)
    stop = datetime.combine(end, datetime.min.time(), UTC)
    with google_client() as google:
        import_calendar_slice(google, lambda: duckdb.connect(str(path)), start, stop)
        with duckdb.connect(str(path)) as conn:
            import_meet_meetings_slice(conn, first, end)
        import_meet_slice(
            google,
            lambda: duckdb.connect(str(path)),
            first,
            end,
            now=now,
            meetings_per_write=Settings().meetings_per_write,
            log=logging.getLogger(__name__),
        )


def test_a_reimport_after_google_forgot_keeps_everything_stored(connected_factory):
    env, ws = connected_factory(days=10, meetings_per_day=5, long_transcript_entries=60)
    first, end = YESTERDAY - timedelta(days=9), YESTERDAY + timedelta(days=1)
    assert materialize_range(first, YESTERDAY).success
    before = meet_rows(env.duckdb_path)
    sources = {(r[3], r[10]) for r in before["transcripts"]}  # status, source
    assert ("available", "meet_api") in sources and len(sources) >= 3, sources
    assert before["conference_records"] and before["transcript_entries"]
    docs = [f for f in ws.drive_files.values() if f.get("_meet_written") and "_text" in f]
    assert {f.get("_access") for f in docs} >= {"shared", "not_shared", "deleted"}

    later = datetime.now(UTC) + timedelta(days=32)
    ws.now = later  # Meet has deleted every record, transcript and entry of these days
    env.emulator.reset_counts()
    reimport(env.duckdb_path, first, end, later)

    assert meet_rows(env.duckdb_path) == before
    asked = env.emulator.request_counts
    meet = sum(n for k, n in asked.items() if k.startswith("meet."))
    assert meet == 1  # only the check that the Meet API is on: nothing Meet no longer keeps
    assert asked.get("drive.files.export", 0) > 0  # the Docs were read, and ranked below


def test_a_doc_fills_in_where_nothing_better_was_stored(connected_factory):
    """A meeting stored as failed (Meet's answer lost to a fault) takes its Doc once Meet has
    forgotten it."""
    env, ws = connected_factory(days=3, meetings_per_day=4, long_transcript_entries=30)
    first, end = YESTERDAY - timedelta(days=2), YESTERDAY + timedelta(days=1)
    assert materialize_range(first, YESTERDAY).success
    with duckdb.connect(str(env.duckdb_path)) as conn:
        (event_id,) = conn.execute(
            "SELECT event_id FROM transcripts WHERE transcript_source = 'meet_api' "
            "AND transcript_final ORDER BY event_id LIMIT 1"
        ).fetchone()
        readable = [
            f
            for f in ws.drive_files.values()
            if f.get("_meet_written") and f.get("_access") == "shared" and "_text" in f
        ]
        doc_ids = conn.execute(
            "SELECT transcript_doc_ids FROM transcripts WHERE event_id = ?", [event_id]
        ).fetchone()[0]
        if not set(doc_ids) & {f["id"] for f in readable}:
            (event_id,) = conn.execute(
                "SELECT event_id FROM transcripts WHERE list_has_any(transcript_doc_ids, ?) "
                "AND transcript_source = 'meet_api' LIMIT 1",
                [[f["id"] for f in readable]],
            ).fetchone()
        conn.execute(
            "UPDATE transcripts SET transcript_status = 'failed', transcript = '', "
            "transcript_source = NULL, transcript_final = NULL WHERE event_id = ?",
            [event_id],
        )
        conn.execute("DELETE FROM transcript_entries WHERE event_id = ?", [event_id])
    later = datetime.now(UTC) + timedelta(days=32)
    ws.now = later
    reimport(env.duckdb_path, first, end, later)
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        status, source = conn.execute(
            "SELECT transcript_status, transcript_source FROM transcripts WHERE event_id = ?",
            [event_id],
        ).fetchone()
    assert (status, source) == ("available", "drive_doc")
