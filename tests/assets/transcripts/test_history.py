"""History beyond Meet's 30 days: transcripts from the Google Docs Meet wrote, end to end.

Real Dagster runs, real HTTP to the emulator (which keeps every generated meeting's Doc in
Drive, attached to its event, while Meet forgets records after 30 days), a real DuckDB file.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import dagster as dg
import duckdb
import pytest

from assets.drive.doc_assembly import assemble_from_docs
from assets.drive.doc_export import meeting_docs
from assets.drive.doc_matching import NO_DOC, NO_DRIVE_PERMISSION, DocMeeting
from emulator.data.account import Workspace
from emulator.data.meet_docs import SHARED
from google_client import DRIVE_MEET_SCOPE
from tests.helpers import (
    YESTERDAY,
    change_every_utterance,
    doc_text,
    generated_docs,
    google_client,
    materialize_range,
    merge_turns,
)

RETENTION = timedelta(days=30)
NO_DRIVE_NOTE = (
    " (limited: transcripts older than 30 days need Drive access; run meetsync connect to grant "
    "Drive access)"
)
MARGIN = timedelta(
    days=1
)  # around the retention boundary the emulator's and the run's "now" differ


def rows(env, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def old_meetings(env, now: datetime) -> dict[str, tuple]:
    found = rows(
        env,
        "SELECT m.event_id, t.transcript_status, t.transcript_source, t.transcript, "
        "t.status_detail, t.transcript_doc_ids, len(t.doc_texts) "
        "FROM meet_meetings AS m JOIN transcripts AS t USING (event_id, partition_date) "
        "WHERE m.end_time < ?",
        [now - RETENTION - MARGIN],
    )
    return {r[0]: r[1:] for r in found}


def test_a_year_backfill_reads_history_from_docs(connected_factory):
    env, ws = connected_factory(days=365, meetings_per_day=2, long_transcript_entries=60)
    first = YESTERDAY - timedelta(days=364)
    result = materialize_range(first, YESTERDAY)
    assert result.success
    old = old_meetings(env, datetime.now(UTC))
    counts = {"available": 0, "expired": 0}
    exported = 0
    for event_id, (status, source, text, detail, doc_ids, texts) in old.items():
        docs = generated_docs(ws, event_id)
        readable = [d for d in docs if d["_access"] == SHARED]
        exported += len(docs)
        assert doc_ids == [d["id"] for d in docs]
        if readable:
            assert (status, source, texts) == ("available", "drive_doc", len(readable))
            assert text == doc_text(ws, event_id)
        elif docs:
            assert (status, source, text) == ("expired", None, "")
            assert detail.startswith("Drive 404 notFound")  # unshared or deleted: one answer
        else:
            assert (status, detail, doc_ids) == ("expired", NO_DOC, [])
        counts[status] += 1
    assert counts["available"] > 250 and counts["expired"] > 30, counts
    assert {r[0] for r in old.values()} == {"available", "expired"}
    assert any("Drive 404 notFound" in (r[3] or "") for r in old.values())
    calls = env.emulator.request_counts
    read = rows(
        env,
        "SELECT sum(len(transcript_doc_ids)) FROM transcripts WHERE transcript_source = "
        "'drive_doc' OR status_detail LIKE 'Drive 40%'",
    )[0][0]
    assert calls["drive.files.export"] == read >= exported  # one per Doc, none for anything else
    assert calls["drive.files.get"] == 0
    recent = rows(
        env,
        "SELECT DISTINCT transcript_source FROM transcripts WHERE transcript_status = "
        "'available' AND partition_date > ?",
        [YESTERDAY - timedelta(days=25)],
    )
    assert recent == [("meet_api",)]
    from_docs = rows(env, "SELECT count(*) FROM meetings WHERE transcript_source = 'drive_doc'")
    assert from_docs[0][0] >= counts["available"]  # and those a day short of the margin


def test_doc_path_gives_the_meet_api_speakers_and_text(connected_factory):
    """For meetings both sources serve: the Docs Meet wrote, parsed and merged, say what the
    Meet API's entries say after merging a speaker's consecutive entries."""
    env, ws = connected_factory(days=14, meetings_per_day=6, long_transcript_entries=300)
    assert materialize_range(YESTERDAY - timedelta(days=13), YESTERDAY).success
    served = rows(
        env,
        "SELECT event_id, transcript_doc_ids, list(speaker ORDER BY entry_index), "
        "list(e.text ORDER BY entry_index) FROM transcripts JOIN transcript_entries AS e "
        "USING (event_id, partition_date) WHERE transcript_source = 'meet_api' "
        "AND len(transcript_doc_ids) > 0 GROUP BY ALL",
    )
    compared = set()
    with google_client() as google:
        for event_id, doc_ids, speakers, texts in served:
            docs = generated_docs(ws, event_id)
            if len(docs) != len(doc_ids) or any(d["_access"] != SHARED for d in docs):
                continue  # a transcript still ENDED, or a Doc this account may not read
            meeting = DocMeeting(event_id, None, None, datetime.now(UTC), (), tuple(doc_ids))
            from_doc = assemble_from_docs(meeting_docs(google, meeting))
            assert from_doc.source == "drive_doc"
            assert [(e.speaker, e.text) for e in from_doc.entries] == merge_turns(
                list(zip(speakers, texts, strict=True))
            ), event_id
            compared.add(event_id)
    for name in ("two_transcripts", "two_records", "non_ascii", "long_transcript"):
        assert ws.scenarios[name][0] in compared, name
    for name in ("anonymous_participant", "phone_participant", "gemini_notes"):
        assert set(ws.scenarios[name]) & compared, name
    assert len(compared) > 30


def test_refused_drive_permission_keeps_the_history_stored_and_the_rest_unchanged(
    connected_factory, consent_browser
):
    """Drive access withdrawn: no Drive request, the transcripts already read from Docs stay
    (a re-import never makes one worse), the others say Drive access is needed."""
    from google_client import connect
    from settings import Settings

    env, ws = connected_factory(days=40, meetings_per_day=3, long_transcript_entries=60)
    first = YESTERDAY - timedelta(days=39)
    assert materialize_range(first, YESTERDAY).success
    granted = snapshot_without_history(env)
    from_docs = {e for e, r in old_meetings(env, datetime.now(UTC)).items() if r[1] == "drive_doc"}
    assert from_docs

    env.emulator.untick_at_consent(DRIVE_MEET_SCOPE)
    connect(Settings.from_env(), open_browser=True, browser=consent_browser, timeout_seconds=30)
    status = subprocess.run(
        [sys.executable, "-m", "cli.main", "status"], capture_output=True, text=True
    )
    assert status.returncode == 0
    assert status.stdout.strip() == f"Active {ws.account_email}{NO_DRIVE_NOTE}"
    env.emulator.reset_counts()
    assert materialize_range(first, YESTERDAY).success
    assert not any(k.startswith("drive.") for k in env.emulator.request_counts)
    old = old_meetings(env, datetime.now(UTC))
    assert {e for e, r in old.items() if r[:2] == ("available", "drive_doc")} == from_docs
    assert {(r[0], r[1], r[2], r[3]) for e, r in old.items() if e not in from_docs} == {
        ("expired", None, "", NO_DRIVE_PERMISSION)
    }
    assert snapshot_without_history(env) == granted


def snapshot_without_history(env) -> dict[str, list]:
    """Every table, without the rows of meetings Meet no longer keeps (and run times)."""
    cutoff = datetime.now(UTC) - RETENTION + MARGIN
    recent = "event_id IN (SELECT event_id FROM meet_meetings WHERE end_time >= ?)"
    found = {}
    for table in ("calendar_events", "meet_meetings"):
        found[table] = rows(env, f"FROM {table} ORDER BY ALL")
    for table, columns in (
        ("conference_records", "*"),
        ("transcripts", "* EXCLUDE (checked_at)"),
        ("transcript_entries", "*"),
    ):
        found[table] = rows(
            env, f"SELECT {columns} FROM {table} WHERE {recent} ORDER BY ALL", [cutoff]
        )
    return found


@pytest.mark.parametrize("access", ["deleted", "not_shared"])
def test_an_unreadable_doc_leaves_the_meeting_expired_with_the_reason(connected_factory, access):
    env, ws = connected_factory(days=40, meetings_per_day=2, long_transcript_entries=60)
    cutoff = datetime.now(UTC) - RETENTION - MARGIN
    event_id = next(
        e["id"]
        for e in ws.events
        if generated_docs(ws, e["id"])
        and e["organizer"]["email"] != ws.account_email
        and datetime.fromisoformat(e["end"]["dateTime"]) < cutoff
    )
    for doc in generated_docs(ws, event_id):
        doc["_access"] = access
    day = datetime.fromisoformat(ws.event(event_id)["start"]["dateTime"]).date()
    assert materialize_range(day, day).success
    status, source, text, detail, _, texts = old_meetings(env, datetime.now(UTC))[event_id]
    assert (status, source, text, texts) == ("expired", None, "", 0)
    reason = "Drive 404 notFound"  # no read access or no such Doc: Google does not say which
    assert detail.startswith(reason)


def test_an_attachment_the_event_does_not_describe_is_judged_by_drive(connected_factory):
    env, ws = connected_factory(days=40, meetings_per_day=2, long_transcript_entries=60)
    cutoff = datetime.now(UTC) - RETENTION - MARGIN
    event = next(
        e
        for e in ws.events
        if [d["_access"] for d in generated_docs(ws, e["id"])] == [SHARED]
        and datetime.fromisoformat(e["end"]["dateTime"]) < cutoff
    )
    for attachment in event["attachments"]:
        attachment.pop("title"), attachment.pop("mimeType")  # as some clients attach files
    day = datetime.fromisoformat(event["start"]["dateTime"]).date()
    assert materialize_range(day, day).success
    status, source, text, *_ = old_meetings(env, datetime.now(UTC))[event["id"]]
    assert (status, source, text) == ("available", "drive_doc", doc_text(ws, event["id"]))
    assert 1 <= env.emulator.request_counts["drive.files.get"] <= len(event["attachments"])


def test_without_meet_access_history_still_comes_from_docs(connected_factory, consent_browser):
    """Meet would hold nothing for a meeting past its 30 days, so a connection without Meet
    access still reads its Doc; recent meetings are not_permitted, and Meet is never asked."""
    from google_client import MEET_SCOPE, connect
    from settings import Settings

    env, ws = connected_factory(days=40, meetings_per_day=2, long_transcript_entries=60)
    env.emulator.untick_at_consent(MEET_SCOPE)
    connect(Settings.from_env(), open_browser=True, browser=consent_browser, timeout_seconds=30)
    env.emulator.reset_counts()
    assert materialize_range(YESTERDAY - timedelta(days=39), YESTERDAY).success
    assert not any(k.startswith("meet.") for k in env.emulator.request_counts)
    old = old_meetings(env, datetime.now(UTC))
    assert {r[0] for r in old.values()} == {"available", "expired"}
    for event_id, (status, source, text, *_) in old.items():
        readable = [d for d in generated_docs(ws, event_id) if d["_access"] == SHARED]
        assert (status == "available") == bool(readable)
        if readable:
            assert (source, text) == ("drive_doc", doc_text(ws, event_id))
    recent = rows(
        env,
        "SELECT DISTINCT transcript_status FROM transcripts WHERE partition_date > ?",
        [YESTERDAY - timedelta(days=25)],
    )
    assert recent == [("not_permitted",)]


def day_rows(env, first, end) -> dict:
    """Per partition day: the day's rows of the three Meet tables (run times left out)."""
    found: dict = {}
    for table, columns in (
        ("conference_records", "*"),
        ("transcripts", "* EXCLUDE (checked_at)"),
        ("transcript_entries", "*"),
    ):
        for row in rows(
            env,
            f"SELECT partition_date, {columns} FROM {table} "
            "WHERE partition_date >= ? AND partition_date < ? ORDER BY ALL",
            [first, end],
        ):
            found.setdefault(row[0], {}).setdefault(table, []).append(row[1:])
    return found


def revise_every_transcript(ws: Workspace) -> None:
    """New words in every Meet entry and every Doc Meet wrote: a re-import changes each day."""
    change_every_utterance(ws)
    for file in ws.drive_files.values():
        if file.get("_meet_written") and "_text" in file:
            file["_text"] = file["_text"].replace(": ", ": (revised) ")


def test_history_written_window_by_window_equals_one_write(connected_factory, monkeypatch):
    """A long backfill writes its history a few meetings at a time (bounded memory): the
    tables come out exactly as when the whole history is one window."""
    env, _ = connected_factory(days=75, meetings_per_day=3, long_transcript_entries=60)
    first = YESTERDAY - timedelta(days=74)
    assert materialize_range(first, YESTERDAY).success
    one_window = day_rows(env, first, YESTERDAY + timedelta(days=1))

    monkeypatch.setenv("MEETSYNC_MEETINGS_PER_WRITE", "7")
    instance = dg.DagsterInstance.ephemeral()
    assert materialize_range(first, YESTERDAY, instance=instance).success
    assert day_rows(env, first, YESTERDAY + timedelta(days=1)) == one_window
    wrote = [
        e.message for e in instance.all_logs(instance.get_runs()[0].run_id) if "Wrote " in e.message
    ]
    assert len(wrote) >= 8, wrote  # 45 days of history at 7 meetings or more a window


def test_a_run_that_fails_midway_keeps_the_windows_it_wrote_and_every_day_whole(
    connected_factory, monkeypatch, consent_browser
):
    """Google refuses the refresh token in the middle of a long backfill: the windows written
    before stay new, the rest stay as they were, and no day mixes old and new rows in any
    of the three Meet tables."""
    from google_client import connect
    from settings import Settings

    env, ws = connected_factory(days=75, meetings_per_day=3, long_transcript_entries=60)
    first, end = YESTERDAY - timedelta(days=74), YESTERDAY + timedelta(days=1)
    monkeypatch.setenv("MEETSYNC_MEETINGS_PER_WRITE", "7")
    assert materialize_range(first, YESTERDAY).success
    old = day_rows(env, first, end)

    revise_every_transcript(ws)
    served, exports = env.emulator.handle, []

    def handle(method, target, headers, body):
        if ":export" in target or "/export" in target:
            exports.append(target)
            if len(exports) == 40:  # about half of the history's Docs
                env.emulator.revoke_refresh_tokens()
                env.emulator.expire_access_tokens()
        return served(method, target, headers, body)

    monkeypatch.setattr(env.emulator, "handle", handle)
    failed = materialize_range(first, YESTERDAY, raise_on_error=False)
    assert not failed.success
    midway = day_rows(env, first, end)

    monkeypatch.setattr(env.emulator, "handle", served)
    connect(Settings.from_env(), open_browser=True, browser=consent_browser, timeout_seconds=30)
    assert materialize_range(first, YESTERDAY).success
    new = day_rows(env, first, end)

    changed = [d for d in new if new[d] != old.get(d)]
    assert len(changed) > 30
    kept = [d for d in changed if midway.get(d) == new[d]]
    untouched = [d for d in changed if midway.get(d) == old.get(d)]
    assert sorted(kept + untouched) == sorted(changed), "a day mixes old and new rows"
    assert kept and untouched
    assert max(kept) < min(untouched)  # history is written in date order
