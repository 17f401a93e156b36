"""The asset calendar_events: the primary calendar's events, one row per event instance, by
local start day (the rows are made by ``event_rows``)."""

from dataclasses import dataclass
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
from assets.warehouse.slices import Connect, replace_slice
from assets.warehouse.tables import CALENDAR_EVENTS
from google_client import GoogleClient
from resources.google_workspace import GoogleWorkspaceResource


@dataclass(frozen=True)
class CalendarSlice:
    """What importing a slice of calendar_events wrote and spent."""

    events: pd.DataFrame  # the rows written
    returned_by_google: int  # events Google returned for the window (some start elsewhere)
    requests: int  # Calendar requests of the listing
    meet_check_requests: int  # the Meet call that checks the API is enabled


def import_calendar_slice(
    google: GoogleClient, connect: Connect, start: datetime, end: datetime
) -> CalendarSlice:
    """Replace the partitions [start, end) of calendar_events with the calendar's events,
    once Google said the Meet API is enabled, and the Drive API when the connection may read
    Meet's Docs (a setup error stops the run before any step writes)."""
    before = google.requests_by_this_thread()
    frame, returned = fetch_events_frame(google, start, end)
    requests = google.requests_by_this_thread() - before
    google.check_meet_enabled()
    meet_check_requests = google.requests_by_this_thread() - before - requests
    google.check_drive_enabled()
    with connect() as conn:
        migrate(conn)
        replace_slice(conn, CALENDAR_EVENTS, frame, start.date(), end.date())
    return CalendarSlice(frame, returned, requests, meet_check_requests)


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
    written = import_calendar_slice(
        google.get_client(), duckdb.get_connection, window.start, window.end
    )
    frame = written.events
    days = days_label(window.start.date(), window.end.date())
    context.log.info(
        "Stored %d of %d events overlapping %s", len(frame), written.returned_by_google, days
    )
    meet_events = frame[frame["conference_solution"] == MEET_SOLUTION]
    record_day_metadata(
        context,
        "calendar_events",
        calendar_numbers_by_day(
            partition_days(context.partition_keys), frame, meet_events, written.requests
        ),
    )
    return dg.MaterializeResult(
        metadata={
            "fetched_range": days,
            "range_google_requests": written.requests,
            "range_events_returned_by_google": written.returned_by_google,
            "range_meet_api_check_requests": written.meet_check_requests,
        }
    )
