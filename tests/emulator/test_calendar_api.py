"""Calendar v3 over HTTP with google-api-python-client: windows, paging, expansion, fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from googleapiclient.errors import HttpError

from emulator import Emulator, Workspace, generate_workspace
from tests.helpers import FIXED_END_DATE, FIXED_NOW, api_get, calendar_service

BAD_REQUEST = {
    "error": {
        "errors": [{"domain": "global", "reason": "badRequest", "message": "Bad Request"}],
        "code": 400,
        "message": "Bad Request",
    }
}


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return generate_workspace(
        seed=7, end_date=FIXED_END_DATE, days=14, meetings_per_day=10, now=FIXED_NOW
    )


def _events(emulator: Emulator):
    return calendar_service(emulator.url, emulator.issue_token()).events()


def _list_all(events, **kwargs) -> list[dict]:
    items, token = [], None
    while True:
        response = events.list(calendarId="primary", pageToken=token, **kwargs).execute()
        items += response.get("items", [])
        token = response.get("nextPageToken")
        if not token:
            return items


def test_calendar_get_and_unknown_calendar(emulator: Emulator, workspace: Workspace) -> None:
    service = calendar_service(emulator.url, emulator.issue_token())
    calendar = service.calendars().get(calendarId="primary").execute()
    assert calendar["kind"] == "calendar#calendar"
    assert calendar["id"] == workspace.account_email
    assert calendar["timeZone"] == workspace.calendar_timezone
    by_email = service.events().list(calendarId=workspace.account_email, maxResults=1).execute()
    assert by_email["kind"] == "calendar#events"
    with pytest.raises(HttpError) as info:
        service.events().list(calendarId="someone@else.example").execute()
    assert info.value.status_code == 404


def test_overlap_semantics_time_min_bounds_end_time_max_bounds_start() -> None:
    workspace = Workspace(now=FIXED_NOW)
    start = datetime(2026, 11, 20, 10, tzinfo=UTC)
    event = workspace.new_event("Window test", start, start + timedelta(hours=1))
    with Emulator(workspace) as emulator:
        events = _events(emulator)

        def ids(time_min: datetime, time_max: datetime) -> list[str]:
            response = events.list(
                calendarId="primary",
                timeMin=time_min.isoformat(),
                timeMax=time_max.isoformat(),
                singleEvents=True,
            ).execute()
            return [item["id"] for item in response["items"]]

        second = timedelta(seconds=1)
        hour = timedelta(hours=1)
        assert ids(start + hour, start + 2 * hour) == []  # ends exactly at timeMin
        assert ids(start + hour - second, start + 2 * hour) == [event["id"]]
        assert ids(start - hour, start) == []  # starts exactly at timeMax
        assert ids(start - hour, start + second) == [event["id"]]
        assert ids(start + 10 * second, start + 20 * second) == [event["id"]]  # inside


def test_time_bounds_need_offset_and_range_must_not_be_empty(emulator: Emulator) -> None:
    token = emulator.issue_token()
    path = "/calendar/v3/calendars/primary/events?"
    status, _, body = api_get(
        emulator.url, path + urlencode({"timeMin": "2026-11-20T10:00:00"}), token
    )
    assert (status, body) == (400, BAD_REQUEST)
    status, _, body = api_get(emulator.url, path + urlencode({"timeMax": "yesterday"}), token)
    assert (status, body) == (400, BAD_REQUEST)
    query = {"timeMin": "2026-11-21T00:00:00Z", "timeMax": "2026-11-20T00:00:00Z"}
    status, _, body = api_get(emulator.url, path + urlencode(query), token)
    assert status == 400
    # offsets other than Z are fine
    query = {"timeMin": "2026-11-20T00:00:00+01:00", "timeMax": "2026-11-21T00:00:00-03:00"}
    status, _, body = api_get(emulator.url, path + urlencode(query), token)
    assert status == 200 and body["items"]


def test_max_results_capped_at_2500_and_paging_returns_each_event_once() -> None:
    workspace = Workspace(now=FIXED_NOW)
    base = datetime(2026, 11, 1, tzinfo=UTC)
    for i in range(3001):
        start = base + timedelta(minutes=7 * i)
        workspace.new_event(f"E{i}", start, start + timedelta(minutes=30))
    with Emulator(workspace) as emulator:
        events = _events(emulator)
        first = events.list(calendarId="primary", maxResults=5000, singleEvents=True).execute()
        assert len(first["items"]) == 2500
        assert first["nextPageToken"]
        default = events.list(calendarId="primary").execute()
        assert len(default["items"]) == 250
        items = _list_all(events, maxResults=700, singleEvents=True, orderBy="startTime")
        ids = [item["id"] for item in items]
        assert len(ids) == len(set(ids)) == 3001
        starts = [item["start"]["dateTime"] for item in items]
        assert starts == sorted(starts)
        assert emulator.request_counts["calendar.events.list"] == 2 + 5


def test_invalid_page_token_and_max_results(emulator: Emulator) -> None:
    token = emulator.issue_token()
    path = "/calendar/v3/calendars/primary/events?"
    status, _, body = api_get(emulator.url, path + "pageToken=bm9wZQ", token)
    assert status == 400 and body["error"]["code"] == 400
    status, _, _ = api_get(emulator.url, path + "maxResults=0", token)
    assert status == 400
    # a token from one query is not valid for another
    first = api_get(emulator.url, path + "maxResults=2&singleEvents=true", token)[2]
    status, _, _ = api_get(
        emulator.url, path + f"maxResults=2&q=sync&pageToken={first['nextPageToken']}", token
    )
    assert status == 400


def test_show_deleted(emulator: Emulator, workspace: Workspace) -> None:
    cancelled = workspace.scenarios["cancelled"][0]
    events = _events(emulator)
    visible = {e["id"] for e in _list_all(events, singleEvents=True, maxResults=2500)}
    assert cancelled not in visible
    everything = _list_all(events, singleEvents=True, showDeleted=True, maxResults=2500)
    by_id = {e["id"]: e for e in everything}
    assert by_id[cancelled]["status"] == "cancelled"
    assert len(everything) == len(workspace.events)


def test_single_events_expands_recurring_series(emulator: Emulator, workspace: Workspace) -> None:
    events = _events(emulator)
    instances = _list_all(events, singleEvents=True, maxResults=2500)
    recurring = [e for e in instances if e["id"] in set(workspace.scenarios["recurring"])]
    assert recurring and all(
        "recurringEventId" in e and "originalStartTime" in e for e in recurring
    )
    assert all(e["id"].startswith(e["recurringEventId"] + "_") for e in recurring)
    codes = {e["recurringEventId"]: e["conferenceData"]["conferenceId"] for e in recurring}
    masters = _list_all(events, singleEvents=False, maxResults=2500)
    master_ids = {e["id"] for e in masters if "recurrence" in e}
    assert master_ids == set(codes)
    assert not any("recurringEventId" in e for e in masters)
    with pytest.raises(HttpError) as info:
        events.list(calendarId="primary", orderBy="startTime").execute()
    assert info.value.status_code == 400


def test_time_zone_parameter_renders_offsets(emulator: Emulator) -> None:
    response = (
        _events(emulator)
        .list(
            calendarId="primary",
            timeMin="2026-11-20T00:00:00Z",
            timeMax="2026-11-21T00:00:00Z",
            singleEvents=True,
            timeZone="America/Sao_Paulo",
        )
        .execute()
    )
    assert response["timeZone"] == "America/Sao_Paulo"
    timed = [e for e in response["items"] if "dateTime" in e["start"]]
    assert timed and all(e["start"]["dateTime"].endswith("-03:00") for e in timed)
    default = (
        _events(emulator).list(calendarId="primary", maxResults=5, singleEvents=True).execute()
    )
    assert all(e["start"].get("dateTime", "Z").endswith("Z") for e in default["items"])


def test_fields_partial_response(emulator: Emulator) -> None:
    fields = (
        "nextPageToken,items(id,status,summary,start,end,attendees/email,"
        "conferenceData(conferenceId,conferenceSolution/key/type))"
    )
    response = (
        _events(emulator)
        .list(calendarId="primary", maxResults=20, singleEvents=True, fields=fields)
        .execute()
    )
    assert set(response) == {"nextPageToken", "items"}
    allowed = {"id", "status", "summary", "start", "end", "attendees", "conferenceData"}
    for item in response["items"]:
        assert set(item) <= allowed
        assert all(set(a) == {"email"} for a in item.get("attendees", []))
        if "conferenceData" in item:
            assert set(item["conferenceData"]) <= {"conferenceId", "conferenceSolution"}
            assert item["conferenceData"]["conferenceSolution"] == {"key": {"type": "hangoutsMeet"}}
    status, _, body = api_get(
        emulator.url,
        "/calendar/v3/calendars/primary/events?fields=items(id",
        emulator.issue_token(),
    )
    assert status == 400 and body["error"]["errors"][0]["reason"] == "invalidParameter"


def test_all_day_and_midnight_crossing_events_are_windowed(
    emulator: Emulator, workspace: Workspace
) -> None:
    all_day = workspace.event(workspace.scenarios["all_day"][0])
    day = all_day["start"]["date"]
    response = (
        _events(emulator)
        .list(
            calendarId="primary",
            timeMin=f"{day}T12:00:00Z",
            timeMax=f"{day}T12:30:00Z",
            singleEvents=True,
        )
        .execute()
    )
    assert all_day["id"] in {e["id"] for e in response["items"]}
    late = workspace.event(workspace.scenarios["midnight_crossing"][0])
    next_day = late["end"]["dateTime"][:10]
    response = (
        _events(emulator)
        .list(
            calendarId="primary",
            timeMin=f"{next_day}T00:00:00Z",
            timeMax=f"{next_day}T00:10:00Z",
            singleEvents=True,
        )
        .execute()
    )
    assert late["id"] in {e["id"] for e in response["items"]}
