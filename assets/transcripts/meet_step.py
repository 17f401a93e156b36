"""The Meet step as a plain function: a slice's Meet meetings asked of Meet (those it still
keeps) and of Drive (the Docs of older ones), written window by window into
conference_records, transcripts and transcript_entries. The asset ``meet_transcripts`` and
the tests call the same function."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import dagster as dg
import duckdb
import pandas as pd

from assets.transcripts.fetch_progress import FetchProgress
from assets.transcripts.keep_stored import meetings_to_keep, ranks_of, with_stored
from assets.transcripts.transcript_checks import coverage_checks
from assets.transcripts.window_fetch import FetchedWindow, fetch_meet_windows
from assets.warehouse.migrations import migrate
from assets.warehouse.partition_metadata import days_label, meet_numbers_by_day, row_counts_by_day
from assets.warehouse.slices import Connect, query_slice, read_sql, replace_slices
from assets.warehouse.tables import CONFERENCE_RECORDS, TRANSCRIPT_ENTRIES, TRANSCRIPTS
from google_client import GoogleClient, RequestUsage

MEET_TABLES = (CONFERENCE_RECORDS, TRANSCRIPTS, TRANSCRIPT_ENTRIES)


@dataclass
class WrittenSlice:
    """What the windows of a slice wrote: each day's numbers per table, and the columns the
    step's checks read (not the transcripts themselves, which are written and forgotten)."""

    days: list[date]
    day_numbers: dict[str, dict[date, dict]] = field(default_factory=dict)
    check_records: list[pd.DataFrame] = field(default_factory=list)
    check_transcripts: list[pd.DataFrame] = field(default_factory=list)
    requests: int = 0  # Google requests of the whole step
    kept: int = 0  # meetings whose stored rows ranked above what Google gave now

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


def import_meet_slice(
    google: GoogleClient,
    connect: Connect,
    first_day: date,
    end_day: date,
    *,
    now: datetime,
    meetings_per_write: int,
    log: logging.Logger | dg.DagsterLogManager,
) -> WrittenSlice:
    """Import the partitions [first_day, end_day) of the three Meet tables from the
    meet_meetings rows already written: each window in one transaction over the three
    tables, a connection opened per window (so a long backfill lets readers in between). A
    meeting whose stored transcript is better than what Google gives now keeps it
    (``keep_stored``)."""
    label = days_label(first_day, end_day)
    with connect() as conn:
        migrate(conn)
        meetings = query_slice(conn, "meet_meetings_of_slice", first_day, end_day)
        stored = stored_doc_ids(conn, first_day, end_day)
    log.info("Meet fetch %s: %d meetings in the slice", label, len(meetings))
    progress = FetchProgress(label)
    started = google.usage()
    days = [first_day + timedelta(days=n) for n in range((end_day - first_day).days)]
    written = WrittenSlice(days)
    for fetched in fetch_meet_windows(
        google,
        meetings,
        first_day,
        end_day,
        now,
        stored_docs=stored,
        on_progress=progress.update,
        on_wait=progress_logger(log, google, progress, started),
        meetings_per_write=meetings_per_write,
    ):
        with connect() as conn:
            fetched, kept = keeping_what_is_better(conn, fetched)
            rows = write_meet_slices(conn, fetched.first_day, fetched.end_day, fetched.frames)
        written.add(fetched)
        written.kept += len(kept)
        if (fetched.first_day, fetched.end_day) != (first_day, end_day):
            log.info(
                "Wrote %s: %d meetings, %d transcript entries",
                days_label(fetched.first_day, fetched.end_day),
                rows[TRANSCRIPTS.name],
                rows[TRANSCRIPT_ENTRIES.name],
            )
    spent = google.usage().since(started)
    log.info(progress.summary(spent.requests, spent.retries, spent.rate_limit_waits))
    if written.kept:
        log.info(
            "Kept the stored transcript of %d meetings: Google gives less for them now "
            "(deleted after 30 days, unshared, or failing)",
            written.kept,
        )
    written.requests = spent.requests
    return written


def progress_logger(
    log: logging.Logger | dg.DagsterLogManager,
    google: GoogleClient,
    progress: FetchProgress,
    started: RequestUsage,
) -> Callable[[], None]:
    """What the step calls while it waits for Google: a log line whenever one is due
    (``progress`` hears from the Meet fetch how many meetings are done)."""

    def report() -> None:
        if progress.due():
            spent = google.usage().since(started)
            log.info(progress.line(spent.requests, spent.retries, spent.rate_limit_waits))

    return report


def keeping_what_is_better(
    conn: duckdb.DuckDBPyConnection, fetched: FetchedWindow
) -> tuple[FetchedWindow, set[str]]:
    """The window with the stored rows of the meetings whose stored transcript ranks above
    what was fetched now (``keep_stored``), and those meetings."""
    first, end = fetched.first_day, fetched.end_day
    stored = ranks_of(query_slice(conn, "stored_transcript_ranks", first, end))
    kept = meetings_to_keep(stored, fetched.transcripts)
    if not kept:
        return fetched, kept
    bounds = {"first_day": first, "end_day": end, "event_ids": sorted(kept)}
    rows = tuple(
        conn.execute(read_sql(f"stored_{table.name}"), bounds).df() for table in MEET_TABLES
    )
    frames = with_stored(fetched.frames, (rows[0], rows[1], rows[2]), kept)
    return replace(fetched, frames=frames), kept


def stored_doc_ids(
    conn: duckdb.DuckDBPyConnection, first_day: date, end_day: date
) -> dict[str, list[str]]:
    """event_id -> the transcript Docs the slice's transcripts rows name."""
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
