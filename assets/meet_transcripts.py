"""Steps 3 and 4: each meeting's Meet conference records and its assembled transcript.

One step writes three tables so that every meeting's fetches run as one pipeline on the
worker pool: conference records by meeting code, then transcripts, participants and entries.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.meet_checks import CHECKS, coverage_checks
from assets.meet_fetch import fetch_conferences
from assets.meet_frames import build_frames, meetings_of
from assets.meet_meetings import meet_meetings
from assets.meet_tables import CONFERENCE_RECORDS, TRANSCRIPT_ENTRIES, TRANSCRIPTS
from assets.partitions import DUCKDB_POOL, daily_partitions
from assets.warehouse import Table, query_slice, replace_slices
from resources.google_workspace import GoogleWorkspaceResource

MEET_TABLES = (CONFERENCE_RECORDS, TRANSCRIPTS, TRANSCRIPT_ENTRIES)


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
            "its records and transcripts (FILE_GENERATED or ENDED), and a status: available, "
            "pending, no_transcript, no_conference, expired, unsupported or failed.",
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
    pool=DUCKDB_POOL,
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
    with duckdb.get_connection() as conn:
        meetings = query_slice(conn, "meet_meetings_of_slice", first_day, end_day)
    frames = fetch_meet_frames(google, meetings, datetime.now(UTC))
    with duckdb.get_connection() as conn:
        counts = write_meet_slices(conn, first_day, end_day, frames)
    calls = google.request_counts()
    context.log.info("Google calls: %s", calls)
    for table in MEET_TABLES:
        yield dg.MaterializeResult(
            asset_key=table.name,
            metadata={
                "dagster/row_count": counts[table.name],
                "google_requests": sum(calls.values()),
            },
        )
    records, transcripts, _ = frames
    yield from coverage_checks(records, transcripts)


def fetch_meet_frames(
    google: GoogleWorkspaceResource, meetings: pd.DataFrame, now: datetime
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Ask Meet about a slice's meetings; the conference_records, transcripts and
    transcript_entries rows that result."""
    lookups = fetch_conferences(google, meetings_of(meetings), now)
    return build_frames(meetings, lookups, now)


def write_meet_slices(
    conn: duckdb.DuckDBPyConnection,
    first_day: date,
    end_day: date,
    frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> dict[str, int]:
    """Replace the slice of all three Meet tables in one transaction; rows written per table."""
    return replace_slices(conn, list(zip(MEET_TABLES, frames, strict=True)), first_day, end_day)
