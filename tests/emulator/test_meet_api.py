"""Meet v2 over HTTP with google-api-python-client: filters, order, paging, retention, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from googleapiclient.errors import HttpError

from emulator import Emulator, Workspace, generate_workspace
from emulator.data.workspace import meet_code_of
from tests.helpers import FIXED_END_DATE, FIXED_NOW, api_get, meet_service

NOT_FOUND = {
    "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
}


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return generate_workspace(
        seed=11, end_date=FIXED_END_DATE, days=40, meetings_per_day=6, now=FIXED_NOW
    )


def _records(emulator: Emulator):
    return meet_service(emulator.url, emulator.issue_token()).conferenceRecords()


def _list_all(method, key: str, **kwargs) -> list[dict]:
    items, token = [], None
    while True:
        response = method(pageToken=token, **kwargs).execute()
        items += response.get(key, [])
        token = response.get("nextPageToken")
        if not token:
            return items


def _live(workspace: Workspace) -> list[dict]:
    return [r for r in workspace.conference_records if not workspace.record_expired(r)]


def test_records_newest_first_default_and_capped_page_size(
    emulator: Emulator, workspace: Workspace
) -> None:
    records = _records(emulator)
    first = records.list().execute()
    assert len(first["conferenceRecords"]) == 25
    assert len(records.list(pageSize=1000).execute()["conferenceRecords"]) == 100
    everything = _list_all(records.list, "conferenceRecords", pageSize=100)
    starts = [r["startTime"] for r in everything]
    assert [datetime.fromisoformat(s) for s in starts] == sorted(
        (datetime.fromisoformat(s) for s in starts), reverse=True
    )
    assert len({r["name"] for r in everything}) == len(everything) == len(_live(workspace))
    assert all("_meeting_code" not in r for r in everything)


def test_filter_by_meeting_code_and_space(emulator: Emulator, workspace: Workspace) -> None:
    recurring = workspace.event(workspace.scenarios["recurring"][-1])
    code = meet_code_of(recurring)
    records = _records(emulator)
    found = _list_all(records.list, "conferenceRecords", filter=f'space.meeting_code = "{code}"')
    expected = [r for r in _live(workspace) if r["_meeting_code"] == code]
    assert {r["name"] for r in found} == {r["name"] for r in expected}
    assert len(found) > 1  # one record per instance of the series, one shared code
    space = found[0]["space"]
    by_space = records.list(filter=f'space.name="{space}"', pageSize=100).execute()
    assert {r["name"] for r in by_space["conferenceRecords"]} == {r["name"] for r in found}
    none = records.list(filter='space.meeting_code = "zzz-zzzz-zzz"').execute()
    assert none == {}


def test_filter_by_start_and_end_time_window(emulator: Emulator, workspace: Workspace) -> None:
    low, high = "2026-11-20T00:00:00Z", "2026-11-20T23:59:59Z"
    found = _list_all(
        _records(emulator).list,
        "conferenceRecords",
        filter=f'start_time>="{low}" AND start_time <= "{high}"',
    )
    expected = {
        r["name"] for r in _live(workspace) if "2026-11-20T" <= r["startTime"] < "2026-11-21T"
    }
    assert {r["name"] for r in found} == expected and expected
    ended = _list_all(
        _records(emulator).list,
        "conferenceRecords",
        filter=f'end_time >= "{low}" AND end_time<="{high}"  AND start_time >= "{low}"',
    )
    assert {r["name"] for r in ended} <= expected


def test_filter_takes_the_documented_examples(emulator: Emulator, workspace: Workspace) -> None:
    """Every example filter of conferenceRecords.list in the meet.v2 discovery document."""
    records = _records(emulator)
    code = next(r["_meeting_code"] for r in _live(workspace))
    space = next(r["space"] for r in _live(workspace))
    for example in (
        f'space.name = "{space}"',
        f'space.meeting_code = "{code}"',
        'start_time>="2024-01-01T00:00:00.000Z" AND start_time<="2024-01-02T00:00:00.000Z"',
        "end_time IS NULL",
    ):
        records.list(filter=example).execute()
    ongoing = _list_all(records.list, "conferenceRecords", filter="end_time IS NULL")
    assert {r["name"] for r in ongoing} == {
        r["name"] for r in _live(workspace) if "endTime" not in r
    }


@pytest.mark.parametrize(
    "bad",
    [
        "start_time >= 2026-11-20",
        'space.meeting_code > "abc"',
        'foo = "x"',
        'start_time >= "no"',
        # not in the discovery document's grammar: one search cannot serve several codes
        'space.meeting_code = "abc-mnop-xyz" OR space.meeting_code = "def-mnop-xyz"',
        '(space.meeting_code = "abc-mnop-xyz")',
        'NOT space.meeting_code = "abc-mnop-xyz"',
        'space.meeting_code != "abc-mnop-xyz"',
        'start_time > "2026-11-20T00:00:00Z"',
        'start_time < "2026-11-20T00:00:00Z"',
        'start_time >= "2026-11-20T00:00:00Z" and end_time IS NULL',
        "start_time IS NULL",
    ],
)
def test_invalid_filter_is_400(emulator: Emulator, bad: str) -> None:
    with pytest.raises(HttpError) as info:
        _records(emulator).list(filter=bad).execute()
    assert info.value.status_code == 400
    assert b"INVALID_ARGUMENT" in info.value.content


def test_expired_records_are_gone(emulator: Emulator, workspace: Workspace) -> None:
    expired_events = workspace.scenarios["expired"]
    assert expired_events
    names = workspace.event_records[expired_events[0]]
    record_id = names[0].split("/")[1]
    token = emulator.issue_token()
    for suffix in ("", "/transcripts", "/participants"):
        status, _, body = api_get(emulator.url, f"/v2/conferenceRecords/{record_id}{suffix}", token)
        assert (status, body) == (404, NOT_FOUND)
    listed = {
        r["name"] for r in _list_all(_records(emulator).list, "conferenceRecords", pageSize=100)
    }
    assert not listed & set(names)


def test_children_paging_and_caps(emulator: Emulator, workspace: Workspace) -> None:
    long_event = workspace.scenarios["long_transcript"][0]
    record = workspace.event_records[long_event][0]
    records = _records(emulator)
    transcripts = records.transcripts().list(parent=record).execute()["transcripts"]
    assert len(transcripts) == 1
    entries_api = records.transcripts().entries()
    page = entries_api.list(parent=transcripts[0]["name"]).execute()
    assert len(page["transcriptEntries"]) == 10
    page = entries_api.list(parent=transcripts[0]["name"], pageSize=500).execute()
    assert len(page["transcriptEntries"]) == 100
    entries = _list_all(
        entries_api.list, "transcriptEntries", parent=transcripts[0]["name"], pageSize=100
    )
    assert len(entries) == 2000
    starts = [datetime.fromisoformat(e["startTime"]) for e in entries]
    assert starts == sorted(starts)
    one = entries_api.get(name=entries[5]["name"]).execute()
    assert one == entries[5]
    participants = records.participants().list(parent=record, pageSize=1000).execute()
    assert participants["totalSize"] == len(participants["participants"])
    first = participants["participants"][0]
    assert records.participants().get(name=first["name"]).execute() == first
    assert records.get(name=record).execute()["name"] == record


def test_scenario_shapes_on_the_wire(emulator: Emulator, workspace: Workspace) -> None:
    records = _records(emulator)

    def transcripts_of(scenario: str) -> list[list[dict]]:
        names = workspace.event_records[workspace.scenarios[scenario][0]]
        return [
            records.transcripts().list(parent=n).execute().get("transcripts", []) for n in names
        ]

    assert len(transcripts_of("two_records")) == 2
    assert all(len(t) == 1 for t in transcripts_of("two_records"))
    assert [len(t) for t in transcripts_of("two_transcripts")] == [2]
    (started,) = transcripts_of("transcript_started")[0]
    assert started["state"] == "STARTED" and "endTime" not in started
    assert "docsDestination" not in started
    assert transcripts_of("no_transcript") == [[]]
    assert workspace.scenarios["no_record"][0] not in workspace.event_records

    def participants_of(scenario: str) -> list[dict]:
        name = workspace.event_records[workspace.scenarios[scenario][0]][0]
        return records.participants().list(parent=name).execute()["participants"]

    assert any("anonymousUser" in p for p in participants_of("anonymous_participant"))
    assert any("phoneUser" in p for p in participants_of("phone_participant"))
    for p in participants_of("phone_participant"):
        assert sum(k in p for k in ("signedinUser", "anonymousUser", "phoneUser")) == 1


def test_space_get_by_name_and_by_meeting_code(emulator: Emulator, workspace: Workspace) -> None:
    space = next(iter(workspace.spaces.values()))
    spaces = meet_service(emulator.url, emulator.issue_token()).spaces()
    assert spaces.get(name=space["name"]).execute() == space
    assert spaces.get(name=f"spaces/{space['meetingCode']}").execute()["name"] == space["name"]
    with pytest.raises(HttpError) as info:
        spaces.get(name="spaces/nope").execute()
    assert info.value.status_code == 404


def test_meet_api_disabled_is_permission_denied() -> None:
    workspace = Workspace(now=FIXED_NOW, meet_api_enabled=False)
    with Emulator(workspace) as emulator:
        status, _, body = api_get(emulator.url, "/v2/conferenceRecords", emulator.issue_token())
    assert status == 403
    assert body == {
        "error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        }
    }


def test_unknown_route_is_google_404(emulator: Emulator) -> None:
    status, _, body = api_get(emulator.url, "/v2/nothingHere", emulator.issue_token())
    assert (status, body) == (404, NOT_FOUND)
    status, _, body = api_get(emulator.url, "/calendar/v3/users/me/nothing", emulator.issue_token())
    assert status == 404 and body["error"]["errors"][0]["reason"] == "notFound"


def test_ongoing_record_and_injected_payloads() -> None:
    workspace = Workspace(now=FIXED_NOW)
    start = FIXED_NOW - timedelta(minutes=20)
    ongoing = workspace.add_conference("abc-mnop-xyz", start)
    ended = workspace.add_conference(
        "abc-mnop-xyz", start - timedelta(days=1), start - timedelta(hours=23)
    )
    with Emulator(workspace) as emulator:
        records = _records(emulator)
        listed = records.list(filter='space.meeting_code = "abc-mnop-xyz"').execute()
        assert [r["name"] for r in listed["conferenceRecords"]] == [ongoing["name"], ended["name"]]
        assert "endTime" not in listed["conferenceRecords"][0]
        low = (start - timedelta(days=2)).astimezone(UTC).isoformat()
        by_end = records.list(filter=f'end_time >= "{low}"').execute()
        assert [r["name"] for r in by_end["conferenceRecords"]] == [ended["name"]]
        workspace.conference_records.append(
            {"name": "conferenceRecords/weird", "startTime": "garbage"}
        )
        listed = records.list(pageSize=100).execute()["conferenceRecords"]
        assert {"name": "conferenceRecords/weird", "startTime": "garbage"} in listed
