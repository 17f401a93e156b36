"""Requests are the currency: none for meetings Meet no longer keeps, none asked twice, and
the per-minute quota used in full without a single 429 (or survived, when the limiter is off)."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import duckdb
import pandas as pd

from assets.meet.conference_fetch import meetings_to_ask
from assets.meet.record_matching import Meeting
from assets.meet.transcript_assembly import MEET_RETENTION
from assets.transcripts.meet_step import import_meet_slice
from assets.warehouse.migrations import migrate
from assets.warehouse.slices import replace_slice
from assets.warehouse.tables import MEET_MEETINGS
from assets.warehouse.transcript_results import AVAILABLE, EXPIRED, NO_TRANSCRIPT
from emulator import Emulator, QuotaConfig, Workspace
from emulator.wire.routes import match
from google_client import connect
from settings import Settings
from tests.helpers import YESTERDAY, Environment, google_client, materialize_range, snapshot

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
RECORDS_LIST = "meet.conferenceRecords.list"


class RequestRecorder:
    """Every Calendar and Meet request the running emulator serves: method, path and query."""

    def __init__(self, emulator: Emulator) -> None:
        self.requests: list[tuple[str, str, tuple]] = []
        self._lock = threading.Lock()
        served = emulator.handle

        def handle(method, target, headers, body):
            parts = urlsplit(target)
            route = match(method, parts.path)
            if route is not None and route.api != "oauth":
                query = tuple(sorted((k, tuple(v)) for k, v in parse_qs(parts.query).items()))
                with self._lock:
                    self.requests.append((route.method_id, parts.path, query))
            return served(method, target, headers, body)

        emulator.handle = handle  # an instance attribute: the HTTP handler calls it

    def by_method(self) -> Counter[str]:
        return Counter(method for method, _, _ in self.requests)

    def asked_twice(self) -> list[tuple]:
        return [request for request, n in Counter(self.requests).items() if n > 1]

    def searched_codes(self) -> list[str]:
        """The meeting code of every conferenceRecords.list filter, in order."""
        return [
            dict(query)["filter"][0].split('"')[1]
            for method, _, query in self.requests
            if method == RECORDS_LIST and "filter" in dict(query)
        ]

    def unfiltered_listings(self) -> int:
        """conferenceRecords.list without a filter: the run's check that Meet is enabled."""
        return sum(
            1
            for method, _, query in self.requests
            if method == RECORDS_LIST and "filter" not in dict(query)
        )


# ----- Meet keeps a conference for 30 days: no request for an older meeting
def _meeting(name: str, ended_ago: timedelta) -> Meeting:
    end = NOW - ended_ago
    return Meeting(name, f"{name}-code", end - timedelta(hours=1), end)


def test_meetings_past_retention_are_not_asked_about_exact_boundary():
    meetings = [
        _meeting("d29", timedelta(days=29)),
        _meeting("d30", MEET_RETENTION),  # ended exactly 30 days ago: Meet still keeps it
        _meeting("d30+1us", MEET_RETENTION + timedelta(microseconds=1)),
        _meeting("d31", timedelta(days=31)),
    ]
    assert [m.event_id for m in meetings_to_ask(meetings, NOW)] == ["d29", "d30"]


def _add_meeting(ws: Workspace, code: str, ended_ago: timedelta, transcript: bool) -> dict:
    """A Meet event ending ``ended_ago`` before NOW, with its record (and a transcript)."""
    end = NOW - ended_ago
    start = end - timedelta(hours=1)
    event = ws.new_event(f"Meeting {code}", start, end, meeting_code=code)
    record = ws.add_conference(code, start, end, event_id=event["id"])
    if transcript:
        speaker = ws.add_participant(record["name"], "Ana", start, end)
        made = ws.add_transcript(record["name"], start, end)
        ws.add_entry(made["name"], speaker["name"], "Hello.", start, start + timedelta(seconds=5))
    return {
        "event_id": event["id"],
        "partition_date": start.date(),
        "start_time": start,
        "end_time": end,
        "conference_id": code,
    }


def test_no_meet_request_for_a_meeting_meet_no_longer_keeps(tmp_path, monkeypatch, consent_browser):
    """Over real HTTP, at a fixed now: the meetings 29 and exactly 30 days old are asked
    about (and found); those a second or a day older are expired without a request."""
    ws = Workspace(now=NOW)
    meetings = pd.DataFrame(
        [
            _add_meeting(ws, "aaa-bbbb-ccc", timedelta(days=29), transcript=True),
            _add_meeting(ws, "ddd-eeee-fff", MEET_RETENTION, transcript=False),
            _add_meeting(ws, "ggg-hhhh-iii", MEET_RETENTION + timedelta(seconds=1), True),
            _add_meeting(ws, "jjj-kkkk-lll", timedelta(days=31), transcript=True),
        ]
    )
    with Emulator(ws) as emulator:
        env = Environment(emulator, tmp_path / "home", tmp_path / "meetsync.duckdb")
        for key, value in env.env().items():
            monkeypatch.setenv(key, value)
        connect(Settings.from_env(), open_browser=True, browser=consent_browser, timeout_seconds=30)
        recorder = RequestRecorder(emulator)
        with google_client() as google, duckdb.connect() as conn:
            migrate(conn)
            days = sorted(meetings["partition_date"])
            first, end = days[0], days[-1] + timedelta(days=1)
            replace_slice(
                conn, MEET_MEETINGS, MEET_MEETINGS.frame(meetings.to_dict("records")), first, end
            )
            import_meet_slice(
                google,
                lambda: contextlib.nullcontext(conn),
                first,
                end,
                now=NOW,
                meetings_per_write=Settings().meetings_per_write,
                log=logging.getLogger(__name__),
            )
            transcripts = conn.execute(
                "SELECT conference_id, transcript_status FROM transcripts"
            ).df()
    found = dict(zip(transcripts["conference_id"], transcripts["transcript_status"], strict=True))
    assert found == {
        "aaa-bbbb-ccc": AVAILABLE,
        "ddd-eeee-fff": NO_TRANSCRIPT,  # its record is still there: asked, and found
        "ggg-hhhh-iii": EXPIRED,
        "jjj-kkkk-lll": EXPIRED,
    }
    assert sorted(recorder.searched_codes()) == ["aaa-bbbb-ccc", "ddd-eeee-fff"]
    assert recorder.by_method() == {
        RECORDS_LIST: 2,
        "meet.conferenceRecords.transcripts.list": 2,
        "meet.conferenceRecords.participants.list": 1,
        "meet.conferenceRecords.transcripts.entries.list": 1,
    }


def test_a_backfill_asks_nothing_twice_and_nothing_meet_no_longer_keeps(connected_factory):
    env, _ = connected_factory(days=40, meetings_per_day=4)
    recorder = RequestRecorder(env.emulator)
    first = YESTERDAY - timedelta(days=39)
    assert materialize_range(first, YESTERDAY).success
    assert recorder.asked_twice() == []
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        live_codes, past_retention = conn.execute(
            "SELECT count(DISTINCT m.conference_id) FILTER (WHERE NOT past),"
            " count(*) FILTER (WHERE past)"
            " FROM (SELECT m.conference_id, m.end_time + INTERVAL 30 DAY < t.checked_at AS past"
            "       FROM meet_meetings m JOIN transcripts t USING (event_id, partition_date)) m"
        ).fetchone()
    searched = recorder.searched_codes()
    assert past_retention > 10  # the first ten days of the range are past Meet's retention
    assert len(searched) == len(set(searched)) == live_codes  # one search per live code
    assert recorder.unfiltered_listings() == 1  # and the one check that Meet is enabled


# ----- the per-minute quota: used in full, never exceeded
QUOTA = 40  # requests per window to each API, for the emulator and the limiter alike
WINDOW = 2.0  # seconds: Google's minute, shortened so that the test takes seconds


def test_the_limiter_uses_the_quota_without_a_429_and_retries_survive_without_it(
    connected, monkeypatch, tmp_path
):
    emulator = connected.emulator
    first = YESTERDAY - timedelta(days=6)
    monkeypatch.setenv("MEETSYNC_QUOTA_WINDOW_SECONDS", str(WINDOW))
    monkeypatch.setenv("MEETSYNC_CALENDAR_QPM", str(QUOTA))
    monkeypatch.setenv("MEETSYNC_MEET_QPM", str(QUOTA))
    emulator.quota = QuotaConfig(requests_per_minute=QUOTA, window_seconds=WINDOW)
    emulator.reset_counts()
    assert materialize_range(first, YESTERDAY).success
    limited = snapshot(connected.duckdb_path)
    assert emulator.quota.total_rejected() == 0
    meet_requests = sum(n for k, n in emulator.request_counts.items() if k.startswith("meet."))
    assert meet_requests > 2 * QUOTA  # the run needed three windows' quota: it was held back

    monkeypatch.setenv("MEETSYNC_DUCKDB_PATH", str(tmp_path / "unlimited.duckdb"))
    monkeypatch.setenv("MEETSYNC_CALENDAR_QPM", "0")
    monkeypatch.setenv("MEETSYNC_MEET_QPM", "0")
    monkeypatch.setenv("MEETSYNC_RETRY_ATTEMPTS", "12")
    monkeypatch.setenv("MEETSYNC_RETRY_BASE_SECONDS", "0.2")
    emulator.quota = QuotaConfig(requests_per_minute=QUOTA, window_seconds=WINDOW)
    assert materialize_range(first, YESTERDAY).success
    assert emulator.quota.total_rejected() > 0  # Google said 429 ...
    assert snapshot(tmp_path / "unlimited.duckdb") == limited  # ... and nothing was lost
    with duckdb.connect(str(tmp_path / "unlimited.duckdb"), read_only=True) as conn:
        statuses = dict(
            conn.execute(
                "SELECT transcript_status, count(*) FROM transcripts GROUP BY 1"
            ).fetchall()
        )
    assert "failed" not in statuses and statuses.get(AVAILABLE, 0) > 10
