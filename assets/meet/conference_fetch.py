"""Asking Meet about a slice's meetings: one record search per meeting code, then the
transcripts of each record matched to a meeting, pipelined on the resource's worker threads.

Meet keeps a conference for MEET_RETENTION after it ends, so a meeting that ended longer ago
is never asked about: its status is ``expired`` without a request. One search per code is
the fewest the records filter allows: the meet.v2 discovery document describes `AND` but no
`OR`, so one ``conferenceRecords.list`` cannot serve two codes.

The client only makes calls; which records to fetch, and what a failure means for a
meeting, is decided here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime

import pandas as pd

from assets.meet.conference_lookup import (
    USABLE_TRANSCRIPT_STATES,
    ConferenceLookup,
    RecordTranscripts,
)
from assets.meet.record_matching import Meeting, assign_records, lookup_windows
from assets.meet.transcript_assembly import beyond_retention
from google_client import GoogleClient, MeetApiUnavailableError, SetupError

# (meetings done, meetings asked about)
ProgressCallback = Callable[[int, int], None]
PROGRESS_POLL_SECONDS = 1.0


def fetch_conferences(
    google: GoogleClient,
    meetings: list[Meeting],
    now: datetime,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> dict[str, ConferenceLookup]:
    """Records of each meeting code, matched to its meetings, and the transcripts of every
    matched record, on ``google.workers`` threads.

    Only meetings Meet still keeps are asked about (``meetings_to_ask``): a lookup's
    ``assigned`` lists the meetings it answers for. Transcript fetches start as soon as their
    code's records are known, so the slowest meeting, not the sum of steps, bounds the wall
    time. A code or record that keeps failing is reported in its result; a setup error
    (refused refresh token, disabled API) stops everything. Without Meet access no request is
    made and every lookup is not_permitted. ``on_progress`` hears (meetings done, meetings
    asked about) whenever a fetch finishes and at least every ``PROGRESS_POLL_SECONDS`` while
    none does; a meeting is done once its code's records and every record matched to it are
    fetched. Once ``stop`` is set, no fetch starts and the lookups come back as they are.
    """
    meetings = meetings_to_ask(meetings, now)
    lookups = {
        code: ConferenceLookup(code, window) for code, window in lookup_windows(meetings).items()
    }
    if not google.meet_permitted:
        for lookup in lookups.values():
            lookup.not_permitted = True
        if on_progress:
            on_progress(len(meetings), len(meetings))
        return lookups
    pool = ThreadPoolExecutor(max_workers=google.workers, thread_name_prefix="meet")
    try:
        fetches = _Fetches(google, pool)
        for lookup in lookups.values():
            fetches.search(lookup)
        while fetches.running and not (stop and stop.is_set()):
            finished, _ = wait(fetches.running, PROGRESS_POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in finished:
                fetches.take(future, meetings, now)
            if on_progress:
                on_progress(fetches.meetings_done(), len(meetings))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return lookups


def meetings_past_retention(meetings: pd.DataFrame, now: datetime) -> list[str]:
    """Event ids of a slice's meetings that Meet no longer keeps: never asked about in Meet
    (``meetings_to_ask``); their transcripts can only come from the Docs Meet wrote."""
    return [row.event_id for row in meetings.itertuples() if beyond_retention(row.end_time, now)]


def meetings_to_ask(meetings: list[Meeting], now: datetime) -> list[Meeting]:
    """The meetings Meet may still hold something for: none that ended more than
    MEET_RETENTION before ``now`` (Meet can only answer "nothing" about those)."""
    return [m for m in meetings if not beyond_retention(m.end, now)]


class _Fetches:
    """The fetches of one ``fetch_conferences`` call still running, and how many matched
    records each meeting still waits for."""

    def __init__(self, google: GoogleClient, pool: ThreadPoolExecutor) -> None:
        self.google = google
        self.pool = pool
        # future -> its lookup, and the meeting a record fetch is for (None: a record search)
        self.running: dict[Future, tuple[ConferenceLookup, str | None]] = {}
        self.records_left: dict[str, int] = {}

    def search(self, lookup: ConferenceLookup) -> None:
        self.running[self.pool.submit(_find_records, self.google, lookup)] = (lookup, None)

    def take(self, future: Future, meetings: list[Meeting], now: datetime) -> None:
        """Store what a finished fetch brought; after a search, start its records' fetches."""
        lookup, event_id = self.running.pop(future)
        if event_id is None:
            future.result()
            match_records(lookup, meetings, now)
            for meeting_id, records in lookup.assigned.items():
                self.records_left[meeting_id] = len(records)
                for record in records:
                    fetch = self.pool.submit(_fetch_record, self.google, record["name"])
                    self.running[fetch] = (lookup, meeting_id)
        else:
            fetched = future.result()
            lookup.transcripts[fetched.record_name] = fetched
            self.records_left[event_id] -= 1

    def meetings_done(self) -> int:
        return sum(1 for left in self.records_left.values() if left == 0)


def match_records(lookup: ConferenceLookup, meetings: list[Meeting], now: datetime) -> None:
    """Assign the lookup's records to the meetings that share its code (once per meeting)."""
    same_code = [m for m in meetings if m.conference_id == lookup.meeting_code]
    lookup.assigned = assign_records(same_code, {lookup.meeting_code: lookup.records}, now)


def fetch_record_transcripts(google: GoogleClient, record_name: str) -> RecordTranscripts:
    """Transcripts of one record; when one is usable, the participants and its entries."""
    result = RecordTranscripts(record_name)
    result.transcripts = google.list_transcripts(record_name)
    usable = [
        t
        for t in result.transcripts
        if isinstance(t, dict)
        and isinstance(t.get("name"), str)
        and isinstance(t.get("state"), str)
        and t["state"] in USABLE_TRANSCRIPT_STATES
    ]
    if not usable:
        return result
    result.participants = google.list_participants(record_name)
    for transcript in usable:
        result.entries[transcript["name"]] = google.list_transcript_entries(transcript["name"])
    return result


def failure_of(error: Exception) -> tuple[str, bool]:
    """What a meeting's status records of a fetch that failed for good: the detail, and
    whether the Meet API refused the account altogether."""
    if isinstance(error, MeetApiUnavailableError):
        return str(error), True
    return f"{type(error).__name__}: {error}", False


def _find_records(google: GoogleClient, lookup: ConferenceLookup) -> ConferenceLookup:
    before = google.requests_by_this_thread()
    try:
        lookup.records = google.find_conference_records(lookup.meeting_code, lookup.window)
    except SetupError:
        raise
    except Exception as error:
        lookup.error, lookup.unsupported = failure_of(error)
    lookup.requests = google.requests_by_this_thread() - before
    return lookup


def _fetch_record(google: GoogleClient, record_name: str) -> RecordTranscripts:
    before = google.requests_by_this_thread()
    try:
        result = fetch_record_transcripts(google, record_name)
    except SetupError:
        raise
    except Exception as error:
        detail, unsupported = failure_of(error)
        result = RecordTranscripts(record_name, error=detail, unsupported=unsupported)
    result.requests = google.requests_by_this_thread() - before
    return result
