"""Step 1: the primary calendar's events, one row per event instance, by local start day."""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.meet_fetch import check_meet_enabled
from assets.partition_metadata import (
    calendar_numbers_by_day,
    days_label,
    partition_days,
    record_day_metadata,
)
from assets.partitions import TIMEZONE, daily_partitions
from assets.warehouse import Column, Table, replace_slice
from resources.google_workspace import GoogleWorkspaceResource

MEET_SOLUTION = "hangoutsMeet"
MEET_CODE = re.compile(r"^[a-z]{3}-[a-z]{4}-[a-z]{3}$")
MEET_URI = re.compile(r"https://meet\.google\.com/([a-z]{3}-[a-z]{4}-[a-z]{3})\b")
ROOM_DOMAIN = "@resource.calendar.google.com"  # booked rooms and other Workspace resources
ATTENDEE_TYPE = (
    "STRUCT(email VARCHAR, response_status VARCHAR, is_optional BOOLEAN, is_organizer BOOLEAN)[]"
)
ATTACHMENTS_TYPE = "STRUCT(file_id VARCHAR, title VARCHAR, mime_type VARCHAR, file_url VARCHAR)[]"

CALENDAR_EVENTS = Table(
    "calendar_events",
    (
        Column("event_id", "VARCHAR", "Calendar event id (an instance id for recurring events)"),
        Column("partition_date", "DATE", "Local calendar day the event starts on"),
        Column("title", "VARCHAR", "Event summary; NULL when the event has none"),
        Column("start_time", "TIMESTAMPTZ", "Start (midnight local time for all-day events)"),
        Column("end_time", "TIMESTAMPTZ", "End; equals start_time when Google gave none"),
        Column("all_day", "BOOLEAN", "True for all-day events"),
        Column("status", "VARCHAR", "confirmed or tentative (cancelled events are dropped)"),
        Column("organizer_email", "VARCHAR", "Organizer's email"),
        Column(
            "attendees", "VARCHAR[]", "Attendees' emails (rooms and entries without email left out)"
        ),
        Column(
            "attendee_responses",
            ATTENDEE_TYPE,
            "Each attendee of `attendees`: email, response_status (accepted, declined, "
            "tentative, needsAction), is_optional, is_organizer",
        ),
        Column("rooms", "VARCHAR[]", "Booked rooms (resource attendees), by resource email"),
        Column("recurring_event_id", "VARCHAR", "Id of the recurring series, if any"),
        Column("conference_solution", "VARCHAR", "hangoutsMeet, addOn, ... or NULL"),
        Column("conference_id", "VARCHAR", "Meet meeting code (abc-mnop-xyz) for Meet events"),
        Column("html_link", "VARCHAR", "Link to the event in Google Calendar"),
        Column("account_email", "VARCHAR", "The connected account whose primary calendar it is"),
        Column(
            "attachments",
            ATTACHMENTS_TYPE,
            "Files attached to the event (Meet attaches its transcript Docs): Drive file id, "
            "title, MIME type, URL",
        ),
    ),
)


def parse_time(value: dict | None, zone: ZoneInfo) -> tuple[datetime | None, bool]:
    """A Calendar ``start``/``end`` object as an aware datetime, and whether it is all-day."""
    if not isinstance(value, dict):
        return None, False
    try:
        if value.get("dateTime"):
            moment = datetime.fromisoformat(value["dateTime"])
            moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
            return _representable(moment, zone), False
        if value.get("date"):
            moment = datetime.combine(date.fromisoformat(value["date"]), time(), zone)
            return _representable(moment, zone), True
    except (TypeError, ValueError, OverflowError):
        return None, False
    return None, False


def _representable(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment``, after checking that UTC and ``zone`` can express it (OverflowError if not:
    year 1 or 9999 shifted across midnight)."""
    moment.astimezone(UTC)
    moment.astimezone(zone)
    return moment


def _text(value: object) -> str | None:
    """A string field of a payload, or None when absent or of another type."""
    return value if isinstance(value, str) else None


def _mapping(value: object) -> dict:
    """A nested object of a payload, or {} when absent or of another type."""
    return value if isinstance(value, dict) else {}


def meet_code(conference: dict) -> str | None:
    """The Meet meeting code of an event's conferenceData, from its id or video link."""
    code = conference.get("conferenceId")
    if isinstance(code, str) and MEET_CODE.match(code):
        return code
    entry_points = conference.get("entryPoints")
    for entry in entry_points if isinstance(entry_points, list) else []:
        if isinstance(entry, dict) and entry.get("entryPointType") == "video":
            found = MEET_URI.match(str(entry.get("uri", "")))
            if found:
                return found.group(1)
    return None


def conference_of(item: dict) -> tuple[str | None, str | None]:
    conference = item.get("conferenceData")
    if not isinstance(conference, dict):
        return None, None
    solution = _text(
        _mapping(_mapping(conference.get("conferenceSolution")).get("key")).get("type")
    )
    if solution != MEET_SOLUTION:
        return solution, None
    return solution, meet_code(conference)


def is_room(attendee: dict) -> bool:
    """A booked room (or other resource), not a person: Calendar flags it ``resource``."""
    email = attendee["email"]
    return attendee.get("resource") is True or email.lower().endswith(ROOM_DOMAIN)


def attendees_of(item: dict) -> tuple[dict[str, dict], list[str]]:
    """An event's people (email -> its response) and its rooms, each listed once; attendees
    without an email are left out."""
    listed = item.get("attendees")
    people: dict[str, dict] = {}
    rooms: list[str] = []
    for attendee in listed if isinstance(listed, list) else []:
        if not isinstance(attendee, dict) or not _text(attendee.get("email")):
            continue
        email = attendee["email"]
        if is_room(attendee):
            rooms += [] if email in rooms else [email]
            continue
        people.setdefault(
            email,
            {
                "email": email,
                "response_status": _text(attendee.get("responseStatus")),
                "is_optional": attendee.get("optional") is True,
                "is_organizer": attendee.get("organizer") is True,
            },
        )
    return people, rooms


def attachments_of(item: dict) -> list[dict]:
    """The event's attachments that name a file; fields of another type become NULL."""
    listed = item.get("attachments")
    found = []
    for attachment in listed if isinstance(listed, list) else []:
        if not isinstance(attachment, dict):
            continue
        row = {
            "file_id": _text(attachment.get("fileId")),
            "title": _text(attachment.get("title")),
            "mime_type": _text(attachment.get("mimeType")),
            "file_url": _text(attachment.get("fileUrl")),
        }
        if row["file_id"] or row["file_url"]:
            found.append(row)
    return found


def event_row(item: dict, zone: ZoneInfo) -> dict | None:
    """One calendar_events row, or None for events to skip (cancelled, no usable start)."""
    if not isinstance(item, dict) or not _text(item.get("id")) or item.get("status") == "cancelled":
        return None
    start, all_day = parse_time(item.get("start"), zone)
    if start is None:
        return None
    end, _ = parse_time(item.get("end"), zone)
    if end is None or end < start:
        end = start
    solution, code = conference_of(item)
    people, rooms = attendees_of(item)
    return {
        "event_id": item["id"],
        "partition_date": start.astimezone(zone).date(),
        "title": item.get("summary") if isinstance(item.get("summary"), str) else None,
        "start_time": start,
        "end_time": end,
        "all_day": all_day,
        "status": _text(item.get("status")) or "confirmed",
        "organizer_email": _text(_mapping(item.get("organizer")).get("email")),
        "attendees": list(people),
        "attendee_responses": list(people.values()),
        "rooms": rooms,
        "recurring_event_id": _text(item.get("recurringEventId")),
        "conference_solution": solution,
        "conference_id": code,
        "html_link": _text(item.get("htmlLink")),
        "attachments": attachments_of(item),
    }


def events_frame(items: list[dict], zone: ZoneInfo, first_day: date, end_day: date) -> pd.DataFrame:
    """Rows for the events that START inside [first_day, end_day); Calendar also returns
    events that merely overlap the window, which belong to another partition."""
    rows: dict[str, dict] = {}
    for item in items:
        row = event_row(item, zone)
        if row and first_day <= row["partition_date"] < end_day:
            rows[row["event_id"]] = row  # a duplicate across pages counts once
    frame = CALENDAR_EVENTS.frame(list(rows.values()))
    return frame.sort_values(["start_time", "event_id"], ignore_index=True)


def fetch_events_frame(
    google: GoogleWorkspaceResource, start: datetime, end: datetime
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
    before = google.requests_by_this_thread()
    frame, items = fetch_events_frame(google, window.start, window.end)
    requests = google.requests_by_this_thread() - before
    check_meet_enabled(google)  # a disabled Meet API stops the run before anything is written
    meet_check_requests = google.requests_by_this_thread() - before - requests
    with duckdb.get_connection() as conn:
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
