"""The asset meet_meetings: the calendar events that are Google Meet meetings, and its checks."""

from datetime import date

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.calendar.calendar_events import calendar_events
from assets.warehouse.migrations import migrate
from assets.warehouse.partition_metadata import (
    partition_days,
    record_day_metadata,
    row_counts_by_day,
)
from assets.warehouse.partitions import daily_partitions
from assets.warehouse.slices import query_slice, replace_slice
from assets.warehouse.tables import MEET_MEETINGS

CHECKS = [
    dg.AssetCheckSpec("unique_event_ids", asset="meet_meetings", description="One row a meeting"),
    dg.AssetCheckSpec(
        "end_not_before_start",
        asset="meet_meetings",
        description="No meeting ends before it starts",
    ),
    dg.AssetCheckSpec(
        "has_conference_id", asset="meet_meetings", description="Every Meet meeting has a code"
    ),
]


def meeting_checks(frame: pd.DataFrame) -> list[dg.AssetCheckResult]:
    """The checks of meet_meetings, over the slice just written."""
    duplicates = int(frame.duplicated(["partition_date", "event_id"]).sum())
    backwards = int((frame["end_time"] < frame["start_time"]).sum())
    no_code = int(frame["conference_id"].isna().sum())
    return [
        dg.AssetCheckResult(
            check_name="unique_event_ids",
            passed=duplicates == 0,
            metadata={"duplicate_rows": duplicates},
        ),
        dg.AssetCheckResult(
            check_name="end_not_before_start",
            passed=backwards == 0,
            metadata={"rows_ending_before_start": backwards},
        ),
        dg.AssetCheckResult(
            check_name="has_conference_id",
            passed=no_code == 0,
            metadata={"meetings_without_code": no_code},
        ),
    ]


def import_meet_meetings_slice(
    conn: duckdb.DuckDBPyConnection, first_day: date, end_day: date
) -> pd.DataFrame:
    """Replace the partitions [first_day, end_day) of meet_meetings with the calendar_events
    rows that are Meet meetings; the rows written."""
    migrate(conn)
    frame = query_slice(conn, "meet_meetings_slice", first_day, end_day)
    replace_slice(conn, MEET_MEETINGS, frame, first_day, end_day)
    return frame


@dg.asset(
    deps=[calendar_events],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="google_meet",
    kinds={"duckdb"},
    owners=["team:meetsync"],
    metadata=MEET_MEETINGS.metadata(),
    check_specs=CHECKS,
)
def meet_meetings(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    """The calendar events that carry a Google Meet conference (conference solution
    `hangoutsMeet`), with title, times, attendees (their emails and responses), booked rooms
    and the Meet meeting code.
    Events without conference data, or with another solution (Zoom add-ons...), are not here."""
    window = context.partition_time_window
    with duckdb.get_connection() as conn:
        frame = import_meet_meetings_slice(conn, window.start.date(), window.end.date())
    days = partition_days(context.partition_keys)
    record_day_metadata(context, "meet_meetings", row_counts_by_day(days, frame))
    return dg.MaterializeResult(check_results=meeting_checks(frame))
