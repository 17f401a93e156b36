"""The pipeline end to end: real Dagster runs, real HTTP to the emulator, a real DuckDB file."""

from datetime import date, timedelta

import duckdb
import pytest

from tests.helpers import YESTERDAY, expected_text, materialize_range, snapshot

FIRST = YESTERDAY - timedelta(days=9)


def query(env, sql: str, params=None):
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def transcript_of(env, event_id: str) -> tuple[str, str]:
    rows = query(
        env, "SELECT transcript_status, transcript FROM meetings WHERE event_id = ?", [event_id]
    )
    assert len(rows) == 1, f"{event_id} appears {len(rows)} times"
    return rows[0]


@pytest.fixture
def imported(connected):
    result = materialize_range(FIRST, YESTERDAY)
    assert result.success
    return connected


def scenario(ws, name: str) -> str:
    return ws.scenarios[name][0]


def test_every_meet_meeting_is_imported_once_with_its_transcript(imported, workspace):
    expected = {
        m["event_id"]: m
        for m in workspace.expected_meetings()
        if FIRST
        <= date.fromisoformat(str(m["start"].get("dateTime", m["start"].get("date")))[:10])
        <= YESTERDAY
    }
    rows = query(imported, "SELECT event_id, transcript_status, transcript FROM meetings")
    assert sorted(r[0] for r in rows) == sorted(expected)
    for event_id, status, text in rows:
        if status == "available":
            assert text == expected_text(workspace, event_id)
        else:
            assert text == ""


def test_recurring_instances_each_get_their_own_transcript(imported, workspace):
    instances = [
        e for e in workspace.scenarios["recurring"] if transcript_of(imported, e)[0] == "available"
    ]
    assert len(instances) >= 2
    texts = [transcript_of(imported, e)[1] for e in instances]
    assert len(set(texts)) == len(texts)
    for event_id in instances:
        assert query(
            imported, "SELECT count(*) FROM conference_records WHERE event_id = ?", [event_id]
        ) == [(len(workspace.event_records[event_id]),)]


@pytest.mark.parametrize(
    "name", ["early_start", "overrun", "two_records", "two_transcripts", "long_transcript"]
)
def test_hard_meetings_are_matched_and_complete(imported, workspace, name):
    event_id = scenario(workspace, name)
    status, text = transcript_of(imported, event_id)
    assert status == "available"
    assert text == expected_text(workspace, event_id)
    records = query(
        imported,
        "SELECT record_name FROM conference_records WHERE event_id = ? ORDER BY start_time",
        [event_id],
    )
    assert [r[0] for r in records] == workspace.event_records[event_id]


def test_statuses_of_meetings_without_transcript(imported, workspace):
    assert transcript_of(imported, scenario(workspace, "transcript_started"))[0] == "pending"
    assert transcript_of(imported, scenario(workspace, "no_transcript"))[0] == "no_transcript"
    assert transcript_of(imported, scenario(workspace, "no_record"))[0] == "no_conference"


def test_midnight_crossing_cancelled_non_meet_and_addon(imported, workspace):
    crossing = scenario(workspace, "midnight_crossing")
    assert query(imported, "SELECT count(*) FROM meet_meetings WHERE event_id = ?", [crossing]) == [
        (1,)
    ]
    for name in ("cancelled", "non_meet", "addon_conference"):
        event_id = scenario(workspace, name)
        assert query(
            imported, "SELECT count(*) FROM meet_meetings WHERE event_id = ?", [event_id]
        ) == [(0,)]
    assert query(imported, "SELECT count(*) FROM calendar_events WHERE status = 'cancelled'") == [
        (0,)
    ]
    non_meet = scenario(workspace, "non_meet")
    assert query(
        imported, "SELECT count(*) FROM calendar_events WHERE event_id = ?", [non_meet]
    ) == [(1,)]


def test_speakers_and_non_ascii_survive(imported, workspace):
    for name in (
        "non_ascii",
        "anonymous_participant",
        "phone_participant",
        "entry_without_participant",
    ):
        event_id = scenario(workspace, name)
        status, text = transcript_of(imported, event_id)
        assert status == "available" and text == expected_text(workspace, event_id)
    assert (
        "Unknown speaker:"
        in transcript_of(imported, scenario(workspace, "entry_without_participant"))[1]
    )
    non_ascii = scenario(workspace, "non_ascii")
    title = query(imported, "SELECT title FROM meetings WHERE event_id = ?", [non_ascii])[0][0]
    assert title == workspace.event(non_ascii)["summary"]
    assert any(ord(ch) > 127 for ch in title + transcript_of(imported, non_ascii)[1])


def test_column_types_for_analysts(imported):
    types = dict(
        query(
            imported,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'meetings'",
        )
    )
    assert types == {
        "event_id": "VARCHAR",
        "title": "VARCHAR",
        "start_time": "TIMESTAMP WITH TIME ZONE",
        "end_time": "TIMESTAMP WITH TIME ZONE",
        "attendees": "VARCHAR[]",
        "rooms": "VARCHAR[]",
        "conference_id": "VARCHAR",
        "transcript": "VARCHAR",
        "transcript_status": "VARCHAR",
        "transcript_final": "BOOLEAN",
        "transcript_source": "VARCHAR",
        "partition_date": "DATE",
    }


def test_rematerializing_gives_identical_tables(imported):
    before = snapshot(imported.duckdb_path)
    assert materialize_range(FIRST, YESTERDAY).success
    assert materialize_range(YESTERDAY - timedelta(days=3), YESTERDAY - timedelta(days=2)).success
    assert snapshot(imported.duckdb_path) == before


def test_expired_meetings(connected_factory):
    """Meet has forgotten the meeting and its Doc is gone: expired
    (tests/assets/transcripts/test_history.py has the meetings whose Doc is readable)."""
    env, ws = connected_factory(days=36)
    event_id = scenario(ws, "expired")
    for attachment in ws.event(event_id).get("attachments", []):
        ws.drive_files[attachment["fileId"]]["_access"] = "deleted"
    day = date.fromisoformat(ws.event(event_id)["start"]["dateTime"][:10])
    assert materialize_range(day, day).success
    assert transcript_of(env, event_id) == ("expired", "")


def test_personal_account_imports_calendar_and_marks_meet_unsupported(connected, workspace):
    workspace.meet_api_enabled = False
    assert materialize_range(YESTERDAY, YESTERDAY).success
    statuses = query(connected, "SELECT DISTINCT transcript_status FROM meetings")
    assert statuses == [("unsupported",)]
    assert query(connected, "SELECT count(*) FROM calendar_events")[0][0] > 0
