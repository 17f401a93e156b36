"""Calendar events as calendar_events rows: times, Meet codes, attendees, rooms, attachments."""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd

from assets.warehouse.tables import CALENDAR_EVENTS

MEET_SOLUTION = "hangoutsMeet"
MEET_CODE = re.compile(r"^[a-z]{3}-[a-z]{4}-[a-z]{3}$")
MEET_URI = re.compile(r"https://meet\.google\.com/([a-z]{3}-[a-z]{4}-[a-z]{3})\b")
ROOM_DOMAIN = "@resource.calendar.google.com"  # booked rooms and other Workspace resources
# Calendar's eventType of an ordinary event, when Google leaves it out. outOfOffice, focusTime,
# workingLocation, birthday and fromGmail events are never meetings, whatever conference data
# they carry (sql/meet_meetings_slice.sql).
DEFAULT_EVENT_TYPE = "default"


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


def account_response(item: dict) -> str | None:
    """The connected account's own answer to the invitation (its attendee entry is marked
    ``self``): accepted, declined, tentative or needsAction; None when it is not listed."""
    listed = item.get("attendees")
    for attendee in listed if isinstance(listed, list) else []:
        if isinstance(attendee, dict) and attendee.get("self") is True:
            return _text(attendee.get("responseStatus"))
    return None


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
        "event_type": _text(item.get("eventType")) or DEFAULT_EVENT_TYPE,
        "attendees_omitted": item.get("attendeesOmitted") is True,
        "account_response": account_response(item),
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
