"""A Meet step's slice, fetched and handed over window by window (``write_windows``).

Meet is asked about the meetings it still keeps while Drive reads the Docs of the older
ones: each API has its own quota, so the two run at the same time. The Docs come in date
order, and each window of history is handed over as soon as its Docs are in, so that it can
be written and forgotten; the days Meet still keeps come last, once Meet has answered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

import pandas as pd

from assets.drive.doc_export import DocFetches, DocResults, doc_meetings
from assets.drive.doc_matching import DocMeeting
from assets.meet.conference_fetch import (
    ProgressCallback,
    fetch_conferences,
    meetings_past_retention,
)
from assets.meet.conference_lookup import ConferenceLookup, requests_by_meeting
from assets.transcripts.transcript_rows import build_frames, declined_mask, meetings_of
from assets.transcripts.window_plan import write_windows
from google_client import GoogleClient

WAIT_TICK_SECONDS = 1.0
# Windows whose Docs are read while the one before them is written: Drive never idles at a
# window's end, and no more than this many windows of transcripts wait in memory.
DOC_WINDOWS_AHEAD = 1


@dataclass(frozen=True)
class FetchedWindow:
    """The conference_records, transcripts and transcript_entries rows of the partitions
    [first_day, end_day), and the Google requests made for each of their meetings
    (event_id -> requests)."""

    first_day: date
    end_day: date
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
    requests: dict[str, float]

    @property
    def records(self) -> pd.DataFrame:
        return self.frames[0]

    @property
    def transcripts(self) -> pd.DataFrame:
        return self.frames[1]

    @property
    def entries(self) -> pd.DataFrame:
        return self.frames[2]


def fetch_meet_windows(
    google: GoogleClient,
    meetings: pd.DataFrame,
    first_day: date,
    end_day: date,
    now: datetime,
    *,
    stored_docs: dict[str, list[str]] | None = None,
    on_progress: ProgressCallback | None = None,
    on_wait: Callable[[], None] | None = None,
    meetings_per_write: int,
) -> Iterator[FetchedWindow]:
    """The partitions [first_day, end_day) of a slice whose meetings are ``meetings``, one
    window after another. ``stored_docs``: the docsDestination Docs an earlier import stored.
    ``on_progress`` hears how far Meet is (from Meet's own thread); ``on_wait`` is called on
    this thread at least every second while a window is awaited. A setup error in either API
    stops the windows at once."""
    stop = threading.Event()
    beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meet-lookups")
    try:
        # Meet first: its quota bounds the run, so its requests should start before anything.
        meet_soon = beside.submit(
            fetch_conferences, google, meetings_of(meetings), now, on_progress, stop
        )
        days = pd.to_datetime(meetings["partition_date"]).dt.date
        is_past = meetings["event_id"].isin(set(meetings_past_retention(meetings, now)))
        recent_from = min(days[~is_past], default=None)
        windows = [
            _Window(first, end, meetings[(days >= first) & (days < end)], is_past)
            for first, end in write_windows(
                first_day, end_day, days, recent_from, meetings_per_write
            )
        ]
        recent = windows.pop() if recent_from is not None else None
        stored = stored_docs or {}
        with DocFetches(google) as docs:
            ahead = iter([*windows, *([recent] if recent else [])])
            for window in islice(ahead, 1 + DOC_WINDOWS_AHEAD):
                docs.submit(window.doc_meetings(stored))
            for window in windows:
                _wait(docs.pending(window.doc_ids), meet_soon, on_wait)
                for later in islice(ahead, 1):
                    docs.submit(later.doc_meetings(stored))
                yield _fetched(window, {}, docs.take(window.doc_ids), now)
            if recent is not None:
                _wait([*docs.pending(recent.doc_ids), meet_soon], meet_soon, on_wait)
                fetched = _fetched(recent, meet_soon.result(), docs.take(recent.doc_ids), now)
                meet_soon = None  # what Meet said is forgotten once its rows are built
                yield fetched
    finally:
        stop.set()
        beside.shutdown(wait=True)


def _fetched(
    window: _Window, lookups: dict[str, ConferenceLookup], found: DocResults, now: datetime
) -> FetchedWindow:
    """A window's rows from what Meet and Drive said about its meetings."""
    requests = requests_by_meeting(lookups)
    for event_id, spent in found.requests.items():
        requests[event_id] = requests.get(event_id, 0.0) + spent
    frames = build_frames(window.meetings, lookups, now, found.transcripts)
    return FetchedWindow(window.first_day, window.end_day, frames, requests)


class _Window:
    """The meetings of the partitions [first_day, end_day), and which of them Meet no longer
    keeps (their transcripts come from Docs)."""

    def __init__(
        self, first_day: date, end_day: date, meetings: pd.DataFrame, is_past: pd.Series
    ) -> None:
        self.first_day, self.end_day, self.meetings = first_day, end_day, meetings
        asked = is_past[meetings.index] & ~declined_mask(meetings)  # never a declined one
        self.doc_ids = list(meetings["event_id"][asked])

    def doc_meetings(self, stored_docs: dict[str, list[str]]) -> list[DocMeeting]:
        return doc_meetings(self.meetings, self.doc_ids, stored_docs)


def _wait(futures: list[Future], meet: Future, on_wait: Callable[[], None] | None) -> None:
    """Until ``futures`` are done; raises at once when the Meet lookups failed (a setup
    error: refused refresh token, API disabled), rather than after the Docs."""
    pending = set(futures)
    while pending:
        _, pending = wait(pending, timeout=WAIT_TICK_SECONDS)
        if on_wait:
            on_wait()
        if meet.done() and meet.exception() is not None:
            meet.result()
