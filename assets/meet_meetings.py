"""Step 2: the calendar events that are Google Meet meetings."""

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.calendar_events import ATTACHMENTS_TYPE, ATTENDEE_TYPE, calendar_events
from assets.partition_metadata import partition_days, record_day_metadata, row_counts_by_day
from assets.partitions import daily_partitions
from assets.warehouse import Column, Table, query_slice, replace_slice

MEET_MEETINGS = Table(
    "meet_meetings",
    (
        Column("event_id", "VARCHAR", "Calendar event id; one row per meeting instance"),
        Column("partition_date", "DATE", "Local calendar day the meeting starts on"),
        Column("title", "VARCHAR", "Event summary"),
        Column("start_time", "TIMESTAMPTZ", "Scheduled start"),
        Column("end_time", "TIMESTAMPTZ", "Scheduled end"),
        Column("attendees", "VARCHAR[]", "Attendees' emails (people only, never rooms)"),
        Column(
            "attendee_responses",
            ATTENDEE_TYPE,
            "Each attendee: email, response_status, is_optional, is_organizer",
        ),
        Column("rooms", "VARCHAR[]", "Booked rooms, by resource email"),
        Column("conference_id", "VARCHAR", "Meet meeting code, e.g. abc-mnop-xyz"),
        Column("organizer_email", "VARCHAR", "Organizer's email"),
        Column("recurring_event_id", "VARCHAR", "Recurring series id; instances share a code"),
        Column("account_email", "VARCHAR", "The connected account whose calendar it is on"),
        Column("attachments", ATTACHMENTS_TYPE, "Files attached to the event"),
    ),
)

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
    first_day, end_day = window.start.date(), window.end.date()
    with duckdb.get_connection() as conn:
        frame = query_slice(conn, "meet_meetings_slice", first_day, end_day)
        replace_slice(conn, MEET_MEETINGS, frame, first_day, end_day)
    days = partition_days(context.partition_keys)
    record_day_metadata(context, "meet_meetings", row_counts_by_day(days, frame))
    return dg.MaterializeResult(check_results=meeting_checks(frame))
