"""The workspace generator: determinism, every scenario, realistic shapes, speed."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime, timedelta

import pytest

from emulator import Emulator, Workspace, generate_workspace
from emulator.data.workspace import SCENARIOS, meet_code_of
from emulator.wire.timefmt import parse_rfc3339
from tests.helpers import FIXED_END_DATE, FIXED_NOW, meet_service

CODE = re.compile(r"^[a-z]{3}-[a-z]{4}-[a-z]{3}$")
EVENT_ID = re.compile(r"^[0-9a-v]{26}(_\d{8}T\d{6}Z)?$")


def _snapshot(workspace: Workspace) -> str:
    data = {
        f.name: getattr(workspace, f.name) for f in dataclasses.fields(workspace) if f.name != "rng"
    }
    return json.dumps(data, default=str, sort_keys=True)


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return generate_workspace(
        seed=7, end_date=FIXED_END_DATE, days=35, meetings_per_day=5, now=FIXED_NOW
    )


def test_same_seed_same_workspace_other_seed_differs() -> None:
    kwargs = {"end_date": FIXED_END_DATE, "days": 8, "meetings_per_day": 6, "now": FIXED_NOW}
    first = generate_workspace(seed=5, **kwargs)
    assert _snapshot(first) == _snapshot(generate_workspace(seed=5, **kwargs))
    assert _snapshot(first) != _snapshot(generate_workspace(seed=6, **kwargs))


def test_every_scenario_is_present(workspace: Workspace) -> None:
    assert set(workspace.scenarios) == set(SCENARIOS)
    missing = [name for name, ids in workspace.scenarios.items() if not ids]
    assert not missing
    known = {e["id"] for e in workspace.events}
    assert all(set(ids) <= known for ids in workspace.scenarios.values())


def test_small_window_has_every_scenario_but_expired() -> None:
    workspace = generate_workspace(
        seed=1, end_date=FIXED_END_DATE, days=7, meetings_per_day=5, now=FIXED_NOW
    )
    assert [name for name, ids in workspace.scenarios.items() if not ids] == ["expired"]


def test_every_day_has_meetings_and_volume_is_roughly_right(workspace: Workspace) -> None:
    days = {e["start"].get("dateTime", e["start"].get("date"))[:10] for e in workspace.events}
    window = {(FIXED_END_DATE - timedelta(days=i)).isoformat() for i in range(35)}
    assert window <= days
    assert 0.6 * 35 * 5 < len(workspace.events) < 1.3 * 35 * 5 + 20


def _record_times(workspace: Workspace, event_id: str) -> list[tuple[datetime, datetime | None]]:
    by_name = {r["name"]: r for r in workspace.conference_records}
    records = [by_name[n] for n in workspace.event_records[event_id]]
    return [
        (parse_rfc3339(r["startTime"]), parse_rfc3339(r["endTime"]) if "endTime" in r else None)
        for r in records
    ]


def _event_times(workspace: Workspace, event_id: str) -> tuple[datetime, datetime]:
    event = workspace.event(event_id)
    return parse_rfc3339(event["start"]["dateTime"]), parse_rfc3339(event["end"]["dateTime"])


def test_scenario_semantics(workspace: Workspace) -> None:
    first = {name: ids[0] for name, ids in workspace.scenarios.items()}
    start, _ = _event_times(workspace, first["early_start"])
    ((rec_start, _),) = _record_times(workspace, first["early_start"])
    assert timedelta(minutes=5) <= start - rec_start <= timedelta(minutes=10)
    _, end = _event_times(workspace, first["overrun"])
    ((_, rec_end),) = _record_times(workspace, first["overrun"])
    assert timedelta(minutes=20) <= rec_end - end <= timedelta(minutes=40)
    assert len(workspace.event_records[first["two_records"]]) == 2
    (record,) = workspace.event_records[first["two_transcripts"]]
    assert len(workspace.transcripts[record]) == 2
    (record,) = workspace.event_records[first["no_transcript"]]
    assert workspace.transcripts.get(record, []) == []
    assert first["no_record"] not in workspace.event_records
    assert "conferenceData" not in workspace.event(first["non_meet"])
    addon = workspace.event(first["addon_conference"])["conferenceData"]
    assert addon["conferenceSolution"]["key"]["type"] == "addOn"
    assert set(workspace.event(first["all_day"])["start"]) == {"date"}
    assert workspace.event(first["cancelled"])["status"] == "cancelled"
    start, end = _event_times(workspace, first["midnight_crossing"])
    assert (start.hour, start.minute) == (23, 30) and end.date() == start.date() + timedelta(1)
    assert "Zoë Ångström" in json.dumps(workspace.event(first["non_ascii"]), ensure_ascii=False)
    (record,) = workspace.event_records[first["long_transcript"]]
    assert len(workspace.entries[workspace.transcripts[record][0]["name"]]) == 2000
    (record,) = workspace.event_records[first["entry_without_participant"]]
    known = {p["name"] for p in workspace.participants[record]}
    entries = workspace.entries[workspace.transcripts[record][0]["name"]]
    assert any(e["participant"] not in known for e in entries)
    for event_id in workspace.scenarios["expired"]:
        assert all(workspace.record_expired(r) for r in _records(workspace, event_id))


def _records(workspace: Workspace, event_id: str) -> list[dict]:
    by_name = {r["name"]: r for r in workspace.conference_records}
    return [by_name[n] for n in workspace.event_records[event_id]]


def test_recurring_instances_share_one_code_and_have_own_records(workspace: Workspace) -> None:
    by_series: dict[str, list[dict]] = {}
    for event_id in workspace.scenarios["recurring"]:
        event = workspace.event(event_id)
        by_series.setdefault(event["recurringEventId"], []).append(event)
    assert by_series
    for instances in by_series.values():
        assert len({meet_code_of(e) for e in instances}) == 1
        records = [n for e in instances for n in workspace.event_records[e["id"]]]
        assert len(records) == len(set(records)) == len(instances)
    assert {m["id"] for m in workspace.series_masters} == set(by_series)


def test_resource_shapes(workspace: Workspace) -> None:
    for event in workspace.events:
        assert EVENT_ID.match(event["id"]), event["id"]
        code = meet_code_of(event)
        if code:
            assert CODE.match(code)
            assert event["hangoutLink"] == f"https://meet.google.com/{code}"
        people = [a for a in event["attendees"] if not a.get("resource")]
        rooms = [a for a in event["attendees"] if a.get("resource")]
        assert 3 <= len(people) <= 8
        assert len(rooms) <= 1
        assert all(r["email"].endswith("@resource.calendar.google.com") for r in rooms)
        organizer = event["organizer"]["email"]
        assert not any(a.get("optional") for a in people if a["email"] == organizer)
    for record in workspace.conference_records:
        assert record["space"] in workspace.spaces
        if "endTime" in record:
            expire = parse_rfc3339(record["expireTime"]) - parse_rfc3339(record["endTime"])
            assert expire == timedelta(days=30)
    for name, entries in workspace.entries.items():
        starts = [parse_rfc3339(e["startTime"]) for e in entries]
        assert starts == sorted(starts), name
        assert all(parse_rfc3339(e["endTime"]) >= parse_rfc3339(e["startTime"]) for e in entries)
    for participants in workspace.participants.values():
        for p in participants:
            kinds = [k for k in ("signedinUser", "anonymousUser", "phoneUser") if k in p]
            assert len(kinds) == 1
    partner_domains = {
        a["email"].split("@")[1] for e in workspace.events for a in e.get("attendees", [])
    }
    assert {"acme-corp.example", "globex.example", "initech.example"} <= partner_domains
    listed = [a for e in workspace.events for a in e.get("attendees", [])]
    assert any(a.get("resource") for a in listed), "no booked room"
    assert any(a.get("optional") for a in listed), "no optional invitee"
    assert any(a["responseStatus"] == "declined" for a in listed), "no declined invitation"


def test_expected_meetings_matches_served_data(workspace: Workspace) -> None:
    rows = {row["event_id"]: row for row in workspace.expected_meetings()}
    assert workspace.scenarios["cancelled"][0] not in rows
    assert rows[workspace.scenarios["expired"][0]]["records"] == []
    assert len(rows[workspace.scenarios["two_records"][0]]["records"]) == 2
    assert rows[workspace.scenarios["long_transcript"][0]]["entry_count"] == 2000


def test_time_zone_is_honoured() -> None:
    workspace = generate_workspace(
        seed=2,
        end_date=FIXED_END_DATE,
        days=7,
        meetings_per_day=5,
        timezone="America/New_York",
        now=FIXED_NOW,
    )
    late = workspace.event(workspace.scenarios["midnight_crossing"][0])
    assert late["start"]["dateTime"].endswith("T23:30:00-05:00")
    assert late["start"]["timeZone"] == "America/New_York"


def test_big_workspace_is_generated_and_served_whole() -> None:
    """The benchmark's size; how fast is measured by `make bench`, not here."""
    workspace = generate_workspace(
        seed=9, end_date=FIXED_END_DATE, days=30, meetings_per_day=40, now=FIXED_NOW
    )
    assert len(workspace.events) > 900
    with Emulator(workspace) as emulator:
        records = meet_service(emulator.url, emulator.issue_token()).conferenceRecords()
        token, count = None, 0
        while True:
            page = records.list(pageSize=100, pageToken=token).execute()
            count += len(page.get("conferenceRecords", []))
            token = page.get("nextPageToken")
            if not token:
                break
        assert count == sum(not workspace.record_expired(r) for r in workspace.conference_records)


def test_default_end_date_and_now() -> None:
    workspace = generate_workspace(seed=1, days=1, meetings_per_day=1)
    assert workspace.events
    assert isinstance(workspace.now, datetime) and workspace.now.tzinfo is not None
    assert date.today() - timedelta(days=2) <= workspace.now.date()


@pytest.mark.parametrize("shape", [{"days": 0}, {"meetings_per_day": -1}])
def test_impossible_shape_is_refused_before_generating(shape: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="days must be >= 1 and meetings_per_day >= 0"):
        generate_workspace(seed=1, end_date=FIXED_END_DATE, now=FIXED_NOW, **shape)
