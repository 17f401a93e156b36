"""Steps 3 and 4: each meeting's Meet conference records and its assembled transcript.

One step writes three tables so that every meeting's fetches run as one pipeline on the
worker pool: conference records by meeting code, then transcripts, participants and entries.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.doc_fetch import doc_meetings, fetch_doc_transcripts
from assets.fetch_progress import FetchProgress
from assets.meet_checks import CHECKS, coverage_checks
from assets.meet_fetch import ProgressCallback, fetch_conferences, meetings_past_retention
from assets.meet_frames import build_frames, meetings_of
from assets.meet_meetings import MEET_MEETINGS, meet_meetings
from assets.meet_tables import CONFERENCE_RECORDS, TRANSCRIPT_ENTRIES, TRANSCRIPTS
from assets.partition_metadata import (
    days_label,
    meet_numbers_by_day,
    partition_days,
    record_day_metadata,
    requests_by_meeting,
    row_counts_by_day,
)
from assets.partitions import daily_partitions
from assets.warehouse import Table, query_slice, replace_slices
from resources.google_api import RequestUsage
from resources.google_workspace import GoogleWorkspaceResource

MEET_TABLES = (CONFERENCE_RECORDS, TRANSCRIPTS, TRANSCRIPT_ENTRIES)


@dataclass(frozen=True)
class FetchedMeet:
    """A slice's conference_records, transcripts and transcript_entries rows, and the Google
    requests made for each meeting (event_id -> requests)."""

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


def _spec(table: Table, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        table.name,
        deps=[meet_meetings],
        description=description,
        group_name="google_meet",
        kinds={"google", "duckdb"},
        owners=["team:meetsync"],
        metadata=table.metadata(),
        partitions_def=daily_partitions,
    )


@dg.multi_asset(
    specs=[
        _spec(
            CONFERENCE_RECORDS,
            "Meet conference records of each meeting, matched on time: a recurring series "
            "shares one meeting code, so a record belongs to the instance it overlaps "
            "(allowing for early starts and overruns), and one meeting can have several.",
        ),
        _spec(
            TRANSCRIPTS,
            "One row per Meet meeting: its transcript as 'Speaker: utterance' lines across all "
            "its records and transcripts (FILE_GENERATED or ENDED; transcript_final says which), "
            "and a status: available, pending, no_transcript, no_conference, expired, "
            "unsupported, not_permitted (the user did not grant Meet access) or failed. Meetings "
            "Meet no longer keeps (30 days) take the transcript from the Google Doc Meet wrote "
            "(transcript_source drive_doc) when the Drive permission was granted.",
        ),
        _spec(
            TRANSCRIPT_ENTRIES,
            "Every transcript entry of every meeting, with the speaker resolved through the "
            "record's participants (signed-in, anonymous or phone).",
        ),
    ],
    check_specs=CHECKS,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=False,
)
def meet_transcripts(
    context: dg.AssetExecutionContext,
    google: GoogleWorkspaceResource,
    duckdb: DuckDBResource,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Conference records, transcripts and transcript entries of the slice's Meet meetings,
    fetched concurrently and written in one transaction."""
    window = context.partition_time_window
    first_day, end_day = window.start.date(), window.end.date()
    days = partition_days(context.partition_keys)
    label = days_label(first_day, end_day)
    with duckdb.get_connection() as conn:
        MEET_MEETINGS.ensure(conn)  # a file from before a column was added
        meetings = query_slice(conn, "meet_meetings_of_slice", first_day, end_day)
        stored = stored_doc_ids(conn, first_day, end_day)
    context.log.info("Meet fetch %s: %d meetings in the slice", label, len(meetings))
    progress = FetchProgress(label)
    started = google.usage()
    fetched = fetch_meet(
        google,
        meetings,
        datetime.now(UTC),
        progress_logger(context, google, progress, started),
        stored,
    )
    spent = google.usage().since(started)
    context.log.info(progress.summary(spent.requests, spent.retries, spent.rate_limit_waits))
    with duckdb.get_connection() as conn:
        write_meet_slices(conn, first_day, end_day, fetched.frames)
    record_meet_day_metadata(context, days, fetched)
    for table in MEET_TABLES:
        yield dg.MaterializeResult(
            asset_key=table.name,
            metadata={"fetched_range": label, "range_google_requests": spent.requests},
        )
    yield from coverage_checks(fetched.records, fetched.transcripts)


def record_meet_day_metadata(
    context: dg.AssetExecutionContext, days: list[date], fetched: FetchedMeet
) -> None:
    """Each day's Meet numbers, with each table's own row count, on that day's partition."""
    day_numbers = meet_numbers_by_day(days, fetched.transcripts, fetched.entries, fetched.requests)
    for table, frame in zip(MEET_TABLES, fetched.frames, strict=True):
        rows = row_counts_by_day(days, frame)
        record_day_metadata(
            context, table.name, {day: {**day_numbers[day], **rows[day]} for day in days}
        )


def progress_logger(
    context: dg.AssetExecutionContext,
    google: GoogleWorkspaceResource,
    progress: FetchProgress,
    started: RequestUsage,
) -> ProgressCallback:
    """What the fetch calls as meetings get done: a run log line whenever one is due."""

    def report(done: int, total: int) -> None:
        progress.update(done, total)
        if progress.due():
            spent = google.usage().since(started)
            context.log.info(progress.line(spent.requests, spent.retries, spent.rate_limit_waits))

    return report


def fetch_meet(
    google: GoogleWorkspaceResource,
    meetings: pd.DataFrame,
    now: datetime,
    on_progress: ProgressCallback | None = None,
    stored_docs: dict[str, list[str]] | None = None,
) -> FetchedMeet:
    """Ask Meet about a slice's meetings, and Drive for the Docs of those Meet no longer keeps
    (``stored_docs``: the docsDestination Docs an earlier import stored): the rows that
    result, and what each meeting cost. Which meetings Meet no longer keeps is known before
    Meet is asked, so Drive reads their Docs meanwhile: each API has its own quota."""
    past = doc_meetings(meetings, meetings_past_retention(meetings, now), stored_docs or {})
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="docs") as beside:
        docs_soon = beside.submit(fetch_doc_transcripts, google, past)
        lookups = fetch_conferences(google, meetings_of(meetings), now, on_progress)
        docs = docs_soon.result()
    requests = requests_by_meeting(lookups)
    for event_id, spent in docs.requests.items():
        requests[event_id] = requests.get(event_id, 0.0) + spent
    return FetchedMeet(build_frames(meetings, lookups, now, docs.transcripts), requests)


def fetch_meet_frames(
    google: GoogleWorkspaceResource,
    meetings: pd.DataFrame,
    now: datetime,
    stored_docs: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Ask Meet about a slice's meetings, and Drive for the Docs of those Meet no longer
    keeps; the conference_records, transcripts and transcript_entries rows that result.
    ``stored_docs``: the transcript Docs (docsDestination) an earlier import stored."""
    return fetch_meet(google, meetings, now, stored_docs=stored_docs).frames


def stored_doc_ids(
    conn: duckdb.DuckDBPyConnection, first_day: date, end_day: date
) -> dict[str, list[str]]:
    """event_id -> the transcript Docs the slice's transcripts rows name."""
    TRANSCRIPTS.ensure(conn)
    frame = query_slice(conn, "stored_transcript_docs", first_day, end_day)
    return {row.event_id: list(row.transcript_doc_ids) for row in frame.itertuples()}


def write_meet_slices(
    conn: duckdb.DuckDBPyConnection,
    first_day: date,
    end_day: date,
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> dict[str, int]:
    """Replace the slice of all three Meet tables in one transaction; rows written per table."""
    return replace_slices(conn, list(zip(MEET_TABLES, frames, strict=True)), first_day, end_day)
