"""URL routing: path patterns to API method ids (the keys of ``request_counts``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

ApiName = Literal["calendar", "meet", "drive", "oauth"]

CALENDAR_SCOPES = {
    "calendar.calendars.get": (
        "calendar",
        "calendar.readonly",
        "calendar.calendars",
        "calendar.calendars.readonly",
    ),
    "calendar.events.list": (
        "calendar",
        "calendar.readonly",
        "calendar.events",
        "calendar.events.readonly",
        "calendar.events.owned",
        "calendar.events.owned.readonly",
    ),
}
CALENDAR_SCOPES["calendar.events.get"] = CALENDAR_SCOPES["calendar.events.list"]
MEET_SCOPES = ("meetings.space.readonly",)
# From the drive.v3 discovery document: the scopes each method accepts.
DRIVE_SCOPES = {
    "drive.files.get": (
        "drive",
        "drive.appdata",
        "drive.file",
        "drive.meet.readonly",
        "drive.metadata",
        "drive.metadata.readonly",
        "drive.photos.readonly",
        "drive.readonly",
    ),
    "drive.files.export": ("drive", "drive.file", "drive.meet.readonly", "drive.readonly"),
}
DRIVE_SCOPES["drive.files.list"] = DRIVE_SCOPES["drive.files.get"]
SCOPE_PREFIX = "https://www.googleapis.com/auth/"

_SEG = r"([^/]+)"
_RECORD = rf"/v2/conferenceRecords/{_SEG}"

_ROUTES: tuple[tuple[str, str, ApiName, str], ...] = (
    ("GET", r"/o/oauth2/(?:v2/)?auth", "oauth", "oauth.auth"),
    ("POST", r"/(?:o/oauth2/)?token", "oauth", "oauth.token"),
    ("POST", r"/(?:o/oauth2/)?revoke", "oauth", "oauth.revoke"),
    ("GET", r"/(?:o/oauth2/)?revoke", "oauth", "oauth.revoke"),
    ("GET", rf"/calendar/v3/calendars/{_SEG}", "calendar", "calendar.calendars.get"),
    ("GET", rf"/calendar/v3/calendars/{_SEG}/events", "calendar", "calendar.events.list"),
    ("GET", rf"/calendar/v3/calendars/{_SEG}/events/{_SEG}", "calendar", "calendar.events.get"),
    ("GET", r"/v2/conferenceRecords", "meet", "meet.conferenceRecords.list"),
    ("GET", _RECORD, "meet", "meet.conferenceRecords.get"),
    ("GET", rf"{_RECORD}/transcripts", "meet", "meet.conferenceRecords.transcripts.list"),
    ("GET", rf"{_RECORD}/transcripts/{_SEG}", "meet", "meet.conferenceRecords.transcripts.get"),
    (
        "GET",
        rf"{_RECORD}/transcripts/{_SEG}/entries",
        "meet",
        "meet.conferenceRecords.transcripts.entries.list",
    ),
    (
        "GET",
        rf"{_RECORD}/transcripts/{_SEG}/entries/{_SEG}",
        "meet",
        "meet.conferenceRecords.transcripts.entries.get",
    ),
    ("GET", rf"{_RECORD}/participants", "meet", "meet.conferenceRecords.participants.list"),
    (
        "GET",
        rf"{_RECORD}/participants/{_SEG}",
        "meet",
        "meet.conferenceRecords.participants.get",
    ),
    ("GET", rf"/v2/spaces/{_SEG}", "meet", "meet.spaces.get"),
    ("GET", r"/drive/v3/files", "drive", "drive.files.list"),
    ("GET", rf"/drive/v3/files/{_SEG}", "drive", "drive.files.get"),
    ("GET", rf"/drive/v3/files/{_SEG}/export", "drive", "drive.files.export"),
)
_COMPILED = [(m, re.compile(p + "/?$"), api, mid) for m, p, api, mid in _ROUTES]


@dataclass(frozen=True)
class Route:
    """A matched request: which API, which method, and the path's captured ids."""

    api: ApiName
    method_id: str
    args: tuple[str, ...]


def match(method: str, path: str) -> Route | None:
    """The route for ``method path`` (raw path; captured ids are percent-decoded), or None."""
    for verb, pattern, api, method_id in _COMPILED:
        if verb == method:
            found = pattern.match(path)
            if found:
                return Route(api, method_id, tuple(unquote(g) for g in found.groups()))
    return None


def api_of_path(path: str) -> ApiName:
    """Which API's error style an unmatched path gets."""
    if path.startswith("/calendar/"):
        return "calendar"
    if path.startswith("/drive/"):
        return "drive"
    if path.startswith(("/token", "/revoke", "/o/oauth2")):
        return "oauth"
    return "meet"


def required_scopes(method_id: str) -> tuple[str, ...]:
    """Full scope URLs any one of which authorizes ``method_id``."""
    short = CALENDAR_SCOPES.get(method_id) or DRIVE_SCOPES.get(method_id) or MEET_SCOPES
    return tuple(SCOPE_PREFIX + s for s in short)
