"""The asset calendar_events: the primary calendar's events, one row per event instance, by
local start day (the rows are made by ``event_rows``)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.calendar.event_rows import MEET_SOLUTION, events_frame
from assets.warehouse.migrations import migrate
from assets.warehouse.partition_metadata import (
    calendar_numbers_by_day,
    days_label,
    partition_days,
    record_day_metadata,
)
from assets.warehouse.partitions import TIMEZONE, daily_partitions
from assets.warehouse.slices import replace_slice
from assets.warehouse.tables import CALENDAR_EVENTS
from google_client import GoogleClient
from resources.google_workspace import GoogleWorkspaceResource


def fetch_events_frame(
    google: GoogleClient, start: datetime, end: datetime
) -> tuple[pd.DataFrame, int]:
    """The calendar_events rows of the partitions [start, end), and how many events Google
    returned for the window."""
    items = google.list_events(start, end, TIMEZONE)
    frame = events_frame(items, ZoneInfo(TIMEZONE), start.date(), end.date())
    frame["account_email"] = google.account_email
    return frame, len(items)


@dg.asset(
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="google_calendar",
    kinds={"google", "duckdb"},
    owners=["team:meetsync"],
    metadata=CALENDAR_EVENTS.metadata(),
)
def calendar_events(
    context: dg.AssetExecutionContext,
    google: GoogleWorkspaceResource,
    duckdb: DuckDBResource,
) -> dg.MaterializeResult:
    """Every event on the connected account's primary calendar that starts on the partition's
    day (in MEETSYNC_TIMEZONE): recurring series expanded into instances, cancelled events
    left out. An event that crosses midnight belongs to the day it starts on.

    Each partition's materialization carries its own numbers: events stored, Meet events,
    and its equal share of the Calendar requests the run's one listing of the range took."""
    window = context.partition_time_window
    first_day, end_day = window.start.date(), window.end.date()
    client = google.get_client()
    before = client.requests_by_this_thread()
    frame, items = fetch_events_frame(client, window.start, window.end)
    requests = client.requests_by_this_thread() - before
    client.check_meet_enabled()  # a disabled Meet API stops the run before anything is written
    meet_check_requests = client.requests_by_this_thread() - before - requests
    with duckdb.get_connection() as conn:
        migrate(conn)
        written = replace_slice(conn, CALENDAR_EVENTS, frame, first_day, end_day)
    days = days_label(first_day, end_day)
    context.log.info("Stored %d of %d events overlapping %s", written, items, days)
    meet_events = frame[frame["conference_solution"] == MEET_SOLUTION]
    record_day_metadata(
        context,
        "calendar_events",
        calendar_numbers_by_day(
            partition_days(context.partition_keys), frame, meet_events, requests
        ),
    )
    return dg.MaterializeResult(
        metadata={
            "fetched_range": days,
            "range_google_requests": requests,
            "range_events_returned_by_google": items,
            "range_meet_api_check_requests": meet_check_requests,
        }
    )
