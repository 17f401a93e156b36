"""Asking Meet about a slice's meetings: one record search per meeting code, then the
transcripts of each record matched to a meeting, pipelined on the resource's worker threads.

The resource only makes calls; which records to fetch, and what a failure means for a
meeting, is decided here.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from datetime import datetime

from assets.conference_data import USABLE_TRANSCRIPT_STATES, ConferenceLookup, RecordTranscripts
from assets.record_matching import Meeting, assign_records, lookup_windows
from resources.credentials import ReconnectRequiredError
from resources.google_api import MeetApiUnavailableError
from resources.google_workspace import GoogleWorkspaceResource


def fetch_conferences(
    google: GoogleWorkspaceResource, meetings: list[Meeting], now: datetime
) -> dict[str, ConferenceLookup]:
    """Records of each meeting code, matched to its meetings, and the transcripts of every
    matched record, on ``google.max_workers`` threads.

    Transcript fetches start as soon as their code's records are known, so the slowest
    meeting, not the sum of steps, bounds the wall time. A code or record that keeps failing
    is reported in its result; a refused refresh token stops everything.
    """
    lookups = {
        code: ConferenceLookup(code, window) for code, window in lookup_windows(meetings).items()
    }
    pool = ThreadPoolExecutor(max_workers=google.max_workers, thread_name_prefix="meet")
    try:
        searching = [pool.submit(_find_records, google, lookup) for lookup in lookups.values()]
        fetching: list[tuple[ConferenceLookup, Future[RecordTranscripts]]] = []
        for done in as_completed(searching):
            lookup = done.result()
            match_records(lookup, meetings, now)
            for records in lookup.assigned.values():
                for record in records:
                    fetching.append((lookup, pool.submit(_fetch_record, google, record["name"])))
        for lookup, future in fetching:
            fetched = future.result()
            lookup.transcripts[fetched.record_name] = fetched
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return lookups


def match_records(lookup: ConferenceLookup, meetings: list[Meeting], now: datetime) -> None:
    """Assign the lookup's records to the meetings that share its code (once per meeting)."""
    same_code = [m for m in meetings if m.conference_id == lookup.meeting_code]
    lookup.assigned = assign_records(same_code, {lookup.meeting_code: lookup.records}, now)


def fetch_record_transcripts(
    google: GoogleWorkspaceResource, record_name: str
) -> RecordTranscripts:
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


def _find_records(google: GoogleWorkspaceResource, lookup: ConferenceLookup) -> ConferenceLookup:
    try:
        lookup.records = google.find_conference_records(lookup.meeting_code, lookup.window)
    except ReconnectRequiredError:
        raise
    except Exception as error:
        lookup.error, lookup.unsupported = failure_of(error)
    return lookup


def _fetch_record(google: GoogleWorkspaceResource, record_name: str) -> RecordTranscripts:
    try:
        return fetch_record_transcripts(google, record_name)
    except ReconnectRequiredError:
        raise
    except Exception as error:
        detail, unsupported = failure_of(error)
        return RecordTranscripts(record_name, error=detail, unsupported=unsupported)
