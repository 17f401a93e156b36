"""The Meet fetch's progress lines and each partition's own numbers: pure logic, a fake clock."""

from datetime import UTC, date, datetime

import pandas as pd

from assets.meet.conference_lookup import ConferenceLookup, RecordTranscripts, requests_by_meeting
from assets.transcripts.fetch_progress import FetchProgress, duration_label
from assets.warehouse.partition_metadata import (
    calendar_numbers_by_day,
    days_label,
    meet_numbers_by_day,
    partition_days,
    row_counts_by_day,
)
from assets.warehouse.tables import TRANSCRIPT_ENTRIES, TRANSCRIPTS

D1, D2, D3 = date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_line_is_due_every_interval_and_logging_one_restarts_it():
    clock = FakeClock()
    progress = FetchProgress("2026-11-01..2026-11-14", every_seconds=10, clock=clock)
    assert not progress.due()
    clock.now += 9.9
    assert not progress.due()
    clock.now += 0.1
    assert progress.due()
    progress.line(0, 0, 0)
    assert not progress.due()
    clock.now += 10
    assert progress.due()


def test_the_line_says_done_of_total_requests_retries_waits_and_time_left():
    clock = FakeClock()
    progress = FetchProgress("2026-11-01..2026-11-14", clock=clock)
    progress.update(0, 120)
    clock.now += 5
    first = progress.line(3, 0, 0)
    assert first == (
        "Meet fetch 2026-11-01..2026-11-14: 0 of 120 meetings done, 3 requests, 0 retries, "
        "0 rate-limit waits, 5s elapsed, time left unknown"
    )
    clock.now += 25  # 30 s for 40 meetings: 80 left take about 60 s
    progress.update(40, 120)
    assert progress.remaining_seconds() == 60
    assert progress.line(151, 2, 7) == (
        "Meet fetch 2026-11-01..2026-11-14: 40 of 120 meetings done, 151 requests, 2 retries, "
        "7 rate-limit waits, 30s elapsed, time left ~1m00s"
    )
    progress.update(120, 120)
    assert progress.remaining_seconds() == 0
    assert progress.summary(400, 2, 9) == (
        "Meet fetch 2026-11-01..2026-11-14 finished: 120 of 120 meetings, 400 requests, "
        "2 retries, 9 rate-limit waits in 30s"
    )


def test_done_never_exceeds_total():
    progress = FetchProgress("2026-11-01", clock=FakeClock())
    progress.update(7, 5)
    assert (progress.done, progress.total) == (5, 5)


def test_durations_and_day_labels():
    assert [duration_label(s) for s in (0, 42.4, 60, 185, 3720)] == [
        "0s",
        "42s",
        "1m00s",
        "3m05s",
        "1h02m",
    ]
    assert days_label(D1, date(2026, 11, 15)) == "2026-11-01..2026-11-14"
    assert days_label(D1, D2) == "2026-11-01"
    assert partition_days(["2026-11-01", "2026-11-03"]) == [D1, D3]


def record(name: str) -> dict:
    return {"name": name}


def test_requests_go_to_the_meetings_they_were_made_for():
    window = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC))
    # A recurring series: one search (4 requests) for two instances; one record each.
    series = ConferenceLookup("aaa-bbbb-ccc", window, requests=4)
    series.assigned = {"weekly-1": [record("r1")], "weekly-2": [record("r2")]}
    series.transcripts = {
        "r1": RecordTranscripts("r1", requests=5),
        "r2": RecordTranscripts("r2", requests=1),
    }
    # A search that failed after 3 attempts: its requests still count.
    failed = ConferenceLookup("ddd-eeee-fff", window, requests=3, error="HTTP 503")
    failed.assigned = {"single": []}
    spent = requests_by_meeting({"a": series, "d": failed})
    assert spent == {"weekly-1": 7.0, "weekly-2": 3.0, "single": 3.0}
    assert sum(spent.values()) == 4 + 5 + 1 + 3


def frame_of(table, rows: list[dict]) -> pd.DataFrame:
    return table.frame([{c: row.get(c) for c in table.column_names} for row in rows])


def test_each_day_gets_its_own_meet_numbers():
    transcripts = frame_of(
        TRANSCRIPTS,
        [
            {"event_id": "a", "partition_date": D1, "transcript_status": "available"},
            {"event_id": "b", "partition_date": D1, "transcript_status": "pending"},
            {"event_id": "c", "partition_date": D2, "transcript_status": "available"},
        ],
    )
    entries = frame_of(
        TRANSCRIPT_ENTRIES,
        [{"event_id": "a", "partition_date": D1}] * 3 + [{"event_id": "c", "partition_date": D2}],
    )
    numbers = meet_numbers_by_day(
        [D1, D2, D3], transcripts, entries, {"a": 5.0, "b": 1.5, "c": 2.25}
    )
    assert numbers == {
        D1: {
            "meetings": 2,
            "declined_meetings": 0,
            "transcripts_available": 1,
            "entries": 3,
            "google_requests": 6.5,
            "coverage": 0.5,
        },
        D2: {
            "meetings": 1,
            "declined_meetings": 0,
            "transcripts_available": 1,
            "entries": 1,
            "google_requests": 2.25,
            "coverage": 1.0,
        },
        # a day without meetings has no coverage rather than a made-up one
        D3: {
            "meetings": 0,
            "declined_meetings": 0,
            "transcripts_available": 0,
            "entries": 0,
            "google_requests": 0.0,
        },
    }
    assert row_counts_by_day([D1, D3], entries) == {
        D1: {"dagster/row_count": 3},
        D3: {"dagster/row_count": 0},
    }
    empty = meet_numbers_by_day(
        [D1], TRANSCRIPTS.empty_frame(), TRANSCRIPT_ENTRIES.empty_frame(), {}
    )
    assert empty == {
        D1: {
            "meetings": 0,
            "declined_meetings": 0,
            "transcripts_available": 0,
            "entries": 0,
            "google_requests": 0.0,
        }
    }


def test_a_calendar_listing_is_shared_by_the_days_it_served():
    events = pd.DataFrame({"partition_date": [D1, D1, D2], "conference_solution": ["x", "y", "z"]})
    numbers = calendar_numbers_by_day([D1, D2, D3], events, events.iloc[:1], requests=3)
    assert numbers == {
        D1: {"dagster/row_count": 2, "meet_events": 1, "google_requests": 1.0},
        D2: {"dagster/row_count": 1, "meet_events": 0, "google_requests": 1.0},
        D3: {"dagster/row_count": 0, "meet_events": 0, "google_requests": 1.0},
    }
