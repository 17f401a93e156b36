"""Pure functions that build Calendar and Meet resources exactly as Google returns them."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from emulator.wire.timefmt import calendar_datetime, calendar_stamp, proto_stamp, zone

MEET_ICON = (
    "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/"
    "logo_meet_2020q4_color_2x_web_512dp.png"
)
ZOOM_ICON = "https://lh3.googleusercontent.com/zoom-addon-icon=s128"
RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Person:
    """Someone on a calendar or in a meeting."""

    email: str
    name: str


def html_link(event_id: str, calendar_id: str) -> str:
    """The ``htmlLink`` Google gives an event."""
    eid = base64.urlsafe_b64encode(f"{event_id} {calendar_id}".encode()).decode().rstrip("=")
    return f"https://www.google.com/calendar/event?eid={eid}"


def event_time(moment: datetime, tz_name: str) -> dict[str, str]:
    """``{"dateTime", "timeZone"}`` for a timed event."""
    return {"dateTime": calendar_datetime(moment, zone(tz_name)), "timeZone": tz_name}


def meet_conference(code: str, pin: str) -> dict[str, Any]:
    """``conferenceData`` of a Google Meet event."""
    return {
        "entryPoints": [
            {
                "entryPointType": "video",
                "uri": f"https://meet.google.com/{code}",
                "label": f"meet.google.com/{code}",
            },
            {
                "entryPointType": "phone",
                "uri": "tel:+1-402-555-0187",
                "label": "+1 402-555-0187",
                "pin": pin,
                "regionCode": "US",
            },
            {
                "entryPointType": "more",
                "uri": f"https://tel.meet/{code}?pin={pin}",
                "pin": pin,
            },
        ],
        "conferenceSolution": {
            "key": {"type": "hangoutsMeet"},
            "name": "Google Meet",
            "iconUri": MEET_ICON,
        },
        "conferenceId": code,
    }


def zoom_conference(meeting_id: str) -> dict[str, Any]:
    """``conferenceData`` of an add-on (Zoom) conference."""
    uri = f"https://acme.zoom.us/j/{meeting_id}"
    return {
        "entryPoints": [
            {"entryPointType": "video", "uri": uri, "label": uri, "meetingCode": meeting_id},
        ],
        "conferenceSolution": {
            "key": {"type": "addOn"},
            "name": "Zoom Meeting",
            "iconUri": ZOOM_ICON,
        },
        "conferenceId": meeting_id,
        "parameters": {
            "addOnParameters": {"parameters": {"meetingType": "2", "realMeetingId": meeting_id}}
        },
        "notes": "Meeting host: zoom-admin@acme-corp.example",
    }


@dataclass
class EventSpec:
    """Everything that distinguishes one event; :func:`build_event` renders it."""

    event_id: str
    summary: str
    organizer: Person
    attendees: list[tuple[Person, str]]  # (person, responseStatus)
    start: datetime | date
    end: datetime | date
    tz_name: str
    created: datetime
    etag: str
    description: str | None = None
    location: str | None = None
    conference: dict[str, Any] | None = None
    status: str = "confirmed"
    recurring_event_id: str | None = None
    original_start: datetime | None = None
    recurrence: list[str] | None = None
    sequence: int = 0
    rooms: list[Person] | None = None  # booked rooms: resource attendees
    optional: frozenset[str] = frozenset()  # emails of attendees invited as optional


def _when(value: datetime | date, tz_name: str) -> dict[str, str]:
    if isinstance(value, datetime):
        return event_time(value, tz_name)
    return {"date": value.isoformat()}


def build_event(spec: EventSpec, calendar_id: str) -> dict[str, Any]:
    """A Calendar v3 Event resource in Google's field order."""
    ical_base = spec.recurring_event_id or spec.event_id
    event: dict[str, Any] = {
        "kind": "calendar#event",
        "etag": spec.etag,
        "id": spec.event_id,
        "status": spec.status,
        "htmlLink": html_link(spec.event_id, calendar_id),
        "created": calendar_stamp(spec.created),
        "updated": calendar_stamp(spec.created + timedelta(minutes=7, seconds=13)),
        "summary": spec.summary,
    }
    if spec.description:
        event["description"] = spec.description
    if spec.location:
        event["location"] = spec.location
    organizer_self = spec.organizer.email == calendar_id
    event["creator"] = _who(spec.organizer, organizer_self)
    event["organizer"] = _who(spec.organizer, organizer_self)
    event["start"] = _when(spec.start, spec.tz_name)
    event["end"] = _when(spec.end, spec.tz_name)
    if spec.recurrence:
        event["recurrence"] = spec.recurrence
    if spec.recurring_event_id and spec.original_start:
        event["recurringEventId"] = spec.recurring_event_id
        event["originalStartTime"] = event_time(spec.original_start, spec.tz_name)
    event["iCalUID"] = f"{ical_base}@google.com"
    event["sequence"] = spec.sequence
    if spec.attendees or spec.rooms:
        event["attendees"] = [
            _attendee(
                person,
                status,
                person == spec.organizer,
                person.email == calendar_id,
                person.email in spec.optional,
            )
            for person, status in spec.attendees
        ] + [_room(room) for room in spec.rooms or []]
    if spec.conference:
        if spec.conference["conferenceSolution"]["key"]["type"] == "hangoutsMeet":
            event["hangoutLink"] = spec.conference["entryPoints"][0]["uri"]
        event["conferenceData"] = spec.conference
    event["reminders"] = {"useDefault": True}
    event["eventType"] = "default"
    return event


def _who(person: Person, is_self: bool) -> dict[str, Any]:
    who: dict[str, Any] = {"email": person.email, "displayName": person.name}
    if is_self:
        who["self"] = True
    return who


def _attendee(
    person: Person, status: str, organizer: bool, is_self: bool, optional: bool = False
) -> dict[str, Any]:
    attendee: dict[str, Any] = {"email": person.email, "displayName": person.name}
    if organizer:
        attendee["organizer"] = True
    if is_self:
        attendee["self"] = True
    if optional:
        attendee["optional"] = True
    attendee["responseStatus"] = status
    return attendee


def _room(room: Person) -> dict[str, Any]:
    """A booked room as Calendar lists it: an attendee with ``resource: true`` that accepts."""
    return {
        "email": room.email,
        "displayName": room.name,
        "resource": True,
        "responseStatus": "accepted",
    }


def build_space(space_name: str, code: str) -> dict[str, Any]:
    """A Meet Space resource."""
    return {
        "name": space_name,
        "meetingUri": f"https://meet.google.com/{code}",
        "meetingCode": code,
        "config": {
            "accessType": "TRUSTED",
            "entryPointAccess": "ALL",
            "moderation": "OFF",
            "attendanceReportGenerationType": "GENERATE_REPORT",
            "artifactConfig": {
                "recordingConfig": {"autoRecordingGeneration": "OFF"},
                "transcriptionConfig": {"autoTranscriptionGeneration": "OFF"},
                "smartNotesConfig": {"autoSmartNotesGeneration": "OFF"},
            },
        },
    }


def build_record(
    name: str, space_name: str, code: str, start: datetime, end: datetime | None
) -> dict[str, Any]:
    """A ConferenceRecord (plus the private ``_meeting_code`` key, never sent)."""
    record: dict[str, Any] = {"name": name, "startTime": proto_stamp(start)}
    if end is not None:
        record["endTime"] = proto_stamp(end)
        record["expireTime"] = proto_stamp(end + RETENTION)
    record["space"] = space_name
    record["_meeting_code"] = code
    return record


def build_participant(
    name: str, kind: str, display_name: str, user_id: str | None, start: datetime, end: datetime
) -> dict[str, Any]:
    """A Participant: exactly one of signedinUser / anonymousUser / phoneUser."""
    participant: dict[str, Any] = {"name": name}
    if kind == "signedin":
        participant["signedinUser"] = {"user": f"users/{user_id}", "displayName": display_name}
    elif kind == "anonymous":
        participant["anonymousUser"] = {"displayName": display_name}
    elif kind == "phone":
        participant["phoneUser"] = {"displayName": display_name}
    else:
        raise ValueError(f"unknown participant kind {kind!r}")
    participant["earliestStartTime"] = proto_stamp(start)
    participant["latestEndTime"] = proto_stamp(end)
    return participant


def build_transcript(
    name: str, state: str, start: datetime, end: datetime | None, document_id: str
) -> dict[str, Any]:
    """A Transcript; ``docsDestination`` only once the file is generated."""
    transcript: dict[str, Any] = {"name": name, "state": state, "startTime": proto_stamp(start)}
    if end is not None and state != "STARTED":
        transcript["endTime"] = proto_stamp(end)
    if state == "FILE_GENERATED":
        transcript["docsDestination"] = {
            "document": document_id,
            "exportUri": f"https://docs.google.com/document/d/{document_id}/export?format=txt",
        }
    return transcript


def build_entry(
    name: str, participant: str, text: str, language: str, start: datetime, end: datetime
) -> dict[str, Any]:
    """A TranscriptEntry."""
    return {
        "name": name,
        "participant": participant,
        "text": text,
        "languageCode": language,
        "startTime": proto_stamp(start),
        "endTime": proto_stamp(end),
    }
