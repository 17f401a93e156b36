"""The naive SEQUENTIAL implementation the pipeline is compared with.

The same three-step fetch as the pipeline (calendar events, then each Meet meeting's conference
records by meeting code, then each record's transcripts, participants and transcript entries),
written the way a first script would be: google-api-python-client directly, one request at a
time, no partial responses (``fields``), the APIs' default page sizes (events 250, conference
records 25, transcripts 10, participants 100, entries 10), one records search per meeting.
Nothing is written anywhere; it only fetches.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

import google.oauth2.credentials
import google_auth_httplib2
import httplib2
from googleapiclient.discovery import build

from google_client import GoogleEndpoints, StoredConnection

USABLE = {"FILE_GENERATED", "ENDED"}
EARLY, LATE = timedelta(minutes=30), timedelta(hours=2)  # the pipeline's search window


@dataclass
class BaselineResult:
    first: date
    last: date
    seconds: float = 0.0
    events_seconds: float = 0.0
    meetings: int = 0
    entries: int = 0
    requests: Counter[str] = field(default_factory=Counter)
    meeting_seconds: dict[str, float] = field(default_factory=dict)
    meeting_day: dict[str, date] = field(default_factory=dict)


class SequentialBaseline:
    def __init__(self, connection: StoredConnection, client_secret: str, api_endpoint: str):
        credentials = google.oauth2.credentials.Credentials(
            token=connection.access_token,
            refresh_token=connection.refresh_token,
            token_uri=connection.token_uri,
            client_id=connection.client_id,
            client_secret=client_secret,
            scopes=list(connection.scopes),
        )
        http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=60))
        endpoints = GoogleEndpoints.for_endpoint(api_endpoint)
        self.calendar = build(
            "calendar",
            "v3",
            http=http,
            static_discovery=True,
            client_options={"api_endpoint": endpoints.calendar_api_endpoint},
        )
        self.meet = build(
            "meet",
            "v2",
            http=http,
            static_discovery=True,
            client_options={"api_endpoint": endpoints.meet_api_endpoint},
        )
        self.requests: Counter[str] = Counter()

    def _all(self, make_request, key: str) -> list[dict]:
        items, token = [], None
        while True:
            request = make_request(token)
            self.requests[request.methodId] += 1
            page = request.execute()
            items += page.get(key, [])
            token = page.get("nextPageToken")
            if not token:
                return items

    def run(self, first: date, last: date) -> BaselineResult:
        """Fetch every Meet meeting starting on days [first, last] (UTC), one call at a time."""
        result = BaselineResult(first, last)
        self.requests = Counter()
        started = time.monotonic()
        time_min = datetime.combine(first, clock_time(), UTC)
        time_max = datetime.combine(last + timedelta(days=1), clock_time(), UTC)
        events = self._all(
            lambda token: self.calendar.events().list(
                calendarId="primary",
                timeMin=time_min.isoformat(),
                timeMax=time_max.isoformat(),
                singleEvents=True,
                orderBy="startTime",
                pageToken=token,
            ),
            "items",
        )
        result.events_seconds = time.monotonic() - started
        for event in events:
            meeting = _meet_meeting(event, time_min, time_max)
            if meeting is None:
                continue
            code, start, end = meeting
            began = time.monotonic()
            result.entries += self._fetch_meeting(code, start, end)
            result.meeting_seconds[event["id"]] = time.monotonic() - began
            result.meeting_day[event["id"]] = start.astimezone(UTC).date()
            result.meetings += 1
        result.seconds = time.monotonic() - started
        result.requests = self.requests
        return result

    def _fetch_meeting(self, code: str, start: datetime, end: datetime) -> int:
        query = (
            f'space.meeting_code = "{code}" '
            f'AND start_time >= "{_utc(start - EARLY)}" AND start_time <= "{_utc(end + LATE)}"'
        )
        records = self._all(
            lambda token: self.meet.conferenceRecords().list(filter=query, pageToken=token),
            "conferenceRecords",
        )
        entries = 0
        for record in records:
            transcripts = self._all(
                lambda token, r=record: (
                    self.meet.conferenceRecords()
                    .transcripts()
                    .list(parent=r["name"], pageToken=token)
                ),
                "transcripts",
            )
            usable = [t for t in transcripts if t.get("state") in USABLE]
            if not usable:
                continue
            self._all(
                lambda token, r=record: (
                    self.meet.conferenceRecords()
                    .participants()
                    .list(parent=r["name"], pageToken=token)
                ),
                "participants",
            )
            for transcript in usable:
                entries += len(
                    self._all(
                        lambda token, t=transcript: (
                            self.meet.conferenceRecords()
                            .transcripts()
                            .entries()
                            .list(parent=t["name"], pageToken=token)
                        ),
                        "transcriptEntries",
                    )
                )
        return entries


def _meet_meeting(event: dict, time_min: datetime, time_max: datetime):
    """(meeting code, start, end) of a Google Meet event starting inside the window."""
    if event.get("status") == "cancelled":
        return None
    conference = event.get("conferenceData") or {}
    solution = ((conference.get("conferenceSolution") or {}).get("key") or {}).get("type")
    code = conference.get("conferenceId")
    start_text = (event.get("start") or {}).get("dateTime")
    end_text = (event.get("end") or {}).get("dateTime")
    if solution != "hangoutsMeet" or not code or not start_text or not end_text:
        return None
    start, end = datetime.fromisoformat(start_text), datetime.fromisoformat(end_text)
    if not time_min <= start < time_max:
        return None
    return code, start, end


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
