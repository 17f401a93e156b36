"""Steps 3 and 4: each meeting's Meet conference records and its assembled transcript.

One step writes three tables so that every meeting's fetches run as one pipeline on the
worker pool: conference records by meeting code, then transcripts, participants and entries.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.fetch_progress import FetchProgress
from assets.meet_checks import CHECKS, coverage_checks
from assets.meet_meetings import MEET_MEETINGS, meet_meetings
from assets.meet_tables import CONFERENCE_RECORDS, TRANSCRIPT_ENTRIES, TRANSCRIPTS
from assets.meet_windows import FetchedWindow, fetch_meet_windows
from assets.partition_metadata import (
    days_label,
    meet_numbers_by_day,
    partition_days,
    record_day_metadata,
    row_counts_by_day,
)
from assets.partitions import daily_partitions
from assets.warehouse import Table, query_slice, replace_slices
from assets.write_windows import MEETINGS_PER_WRITE
from resources.google_api import RequestUsage
from resources.google_workspace import GoogleWorkspaceResource

MEET_TABLES = (CONFERENCE_RECORDS, TRANSCRIPTS, TRANSCRIPT_ENTRIES)


@dataclass
class WrittenSlice:
    """What the windows of a slice wrote: each day's numbers per table, and the columns the
    step's checks read (not the transcripts themselves, which are written and forgotten)."""

    days: list[date]
    day_numbers: dict[str, dict[date, dict]] = field(default_factory=dict)
    check_records: list[pd.DataFrame] = field(default_factory=list)
    check_transcripts: list[pd.DataFrame] = field(default_factory=list)

    def add(self, window: FetchedWindow) -> None:
        days = [d for d in self.days if window.first_day <= d < window.end_day]
        meet = meet_numbers_by_day(days, window.transcripts, window.entries, window.requests)
        for table, frame in zip(MEET_TABLES, window.frames, strict=True):
            rows = row_counts_by_day(days, frame)
            numbers = self.day_numbers.setdefault(table.name, {})
            numbers.update({day: {**meet[day], **rows[day]} for day in days})
        self.check_records.append(window.records[["record_name"]])
        self.check_transcripts.append(
            window.transcripts[["event_id", "partition_date", "transcript_status"]]
        )

    def checks(self) -> list[dg.AssetCheckResult]:
        return coverage_checks(_stacked(self.check_records), _stacked(self.check_transcripts))


def _stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


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
    fetched concurrently; history is written window by window (``write_windows``), each
    window in one transaction over the three tables."""
    window = context.partition_time_window
    first_day, end_day = window.start.date(), window.end.date()
    label = days_label(first_day, end_day)
    with duckdb.get_connection() as conn:
        MEET_MEETINGS.ensure(conn)  # a file from before a column was added
        meetings = query_slice(conn, "meet_meetings_of_slice", first_day, end_day)
        stored = stored_doc_ids(conn, first_day, end_day)
    context.log.info("Meet fetch %s: %d meetings in the slice", label, len(meetings))
    progress = FetchProgress(label)
    started = google.usage()
    written = WrittenSlice(partition_days(context.partition_keys))
    for fetched in fetch_meet_windows(
        google,
        meetings,
        first_day,
        end_day,
        datetime.now(UTC),
        stored_docs=stored,
        on_progress=progress.update,
        on_wait=progress_logger(context, google, progress, started),
        meetings_per_write=MEETINGS_PER_WRITE,
    ):
        with duckdb.get_connection() as conn:
            rows = write_meet_slices(conn, fetched.first_day, fetched.end_day, fetched.frames)
        written.add(fetched)
        if (fetched.first_day, fetched.end_day) != (first_day, end_day):
            context.log.info(
                "Wrote %s: %d meetings, %d transcript entries",
                days_label(fetched.first_day, fetched.end_day),
                rows[TRANSCRIPTS.name],
                rows[TRANSCRIPT_ENTRIES.name],
            )
    spent = google.usage().since(started)
    context.log.info(progress.summary(spent.requests, spent.retries, spent.rate_limit_waits))
    for table in MEET_TABLES:
        record_day_metadata(context, table.name, written.day_numbers[table.name])
        yield dg.MaterializeResult(
            asset_key=table.name,
            metadata={"fetched_range": label, "range_google_requests": spent.requests},
        )
    yield from written.checks()


def progress_logger(
    context: dg.AssetExecutionContext,
    google: GoogleWorkspaceResource,
    progress: FetchProgress,
    started: RequestUsage,
) -> Callable[[], None]:
    """What the step calls while it waits for Google: a run log line whenever one is due
    (``progress`` hears from the Meet fetch how many meetings are done)."""

    def report() -> None:
        if progress.due():
            spent = google.usage().since(started)
            context.log.info(progress.line(spent.requests, spent.retries, spent.rate_limit_waits))

    return report


def fetch_meet_frames(
    google: GoogleWorkspaceResource,
    meetings: pd.DataFrame,
    now: datetime,
    stored_docs: dict[str, list[str]] | None = None,
    meetings_per_write: int = MEETINGS_PER_WRITE,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Ask Meet about the meetings of a slice, and Drive for the Docs of those Meet no
    longer keeps; the conference_records, transcripts and transcript_entries rows of every
    window, together. ``stored_docs``: the transcript Docs (docsDestination) an earlier
    import stored."""
    days = pd.to_datetime(meetings["partition_date"]).dt.date
    if not len(days):
        return (
            CONFERENCE_RECORDS.empty_frame(),
            TRANSCRIPTS.empty_frame(),
            TRANSCRIPT_ENTRIES.empty_frame(),
        )
    first_day, end_day = min(days), max(days) + timedelta(days=1)
    windows = list(
        fetch_meet_windows(
            google,
            meetings,
            first_day,
            end_day,
            now,
            stored_docs=stored_docs,
            meetings_per_write=meetings_per_write,
        )
    )
    records, transcripts, entries = (
        pd.concat([w.frames[i] for w in windows], ignore_index=True) for i in range(3)
    )
    return records, transcripts, entries


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
