"""Over real HTTP: Calendar's eventType, attendeesOmitted and the account's own answer are
kept; an out-of-office or focus-time event is never a meeting, whatever it carries; a
meeting the account declined is kept, marked, never asked of Meet and not counted as held."""

from __future__ import annotations

import copy

import duckdb

from tests.helpers import YESTERDAY, materialize_range

DECLINED_CODE = "dcl-ined-zzz"


def _meet_event_of(workspace, day: str) -> dict:
    return next(
        e
        for e in workspace.events
        if "conferenceData" in e
        and e["conferenceData"]["conferenceSolution"]["key"]["type"] == "hangoutsMeet"
        and str(e["start"].get("dateTime", ""))[:10] == day
        and "recurringEventId" not in e
    )


def test_event_types_guest_lists_and_the_accounts_answer_are_kept(
    connected, workspace, monkeypatch
):
    day = YESTERDAY.isoformat()
    meeting = _meet_event_of(workspace, day)
    away = copy.deepcopy(meeting) | {"id": "awayfromdesk1", "eventType": "outOfOffice"}
    focus = copy.deepcopy(meeting) | {"id": "focusblock1", "eventType": "focusTime"}
    partial = copy.deepcopy(meeting) | {"id": "bigtownhall1", "attendeesOmitted": True}
    declined = copy.deepcopy(meeting) | {"id": "declinedcall1"}
    code = meeting["conferenceData"]["conferenceId"]
    declined["conferenceData"]["conferenceId"] = DECLINED_CODE
    for entry in declined["conferenceData"]["entryPoints"]:
        entry["uri"] = entry["uri"].replace(code, DECLINED_CODE)
    for attendee in declined.get("attendees", []):
        if attendee.get("self"):
            attendee["responseStatus"] = "declined"
    workspace.events += [away, focus, partial, declined]
    workspace.touch()
    connected.emulator.reindex()

    served, asked = connected.emulator.handle, []

    def handle(method, target, headers, body):
        asked.append(target)
        return served(method, target, headers, body)

    monkeypatch.setattr(connected.emulator, "handle", handle)
    assert materialize_range(YESTERDAY, YESTERDAY).success
    with duckdb.connect(str(connected.duckdb_path), read_only=True) as conn:
        events = dict(
            (r[0], r[1:])
            for r in conn.execute(
                "SELECT event_id, event_type, attendees_omitted, account_response "
                "FROM calendar_events"
            ).fetchall()
        )
        meetings = {r[0] for r in conn.execute("SELECT event_id FROM meet_meetings").fetchall()}
        status, detail = conn.execute(
            "SELECT transcript_status, status_detail FROM transcripts "
            "WHERE event_id = 'declinedcall1'"
        ).fetchone()
        held = conn.execute(
            "SELECT meetings, declined FROM daily_meeting_stats WHERE partition_date = ?",
            [YESTERDAY],
        ).fetchone()
        listed = conn.execute(
            "SELECT count(*) FROM meet_meetings WHERE partition_date = ?", [YESTERDAY]
        ).fetchone()[0]
    assert events["awayfromdesk1"][0] == "outOfOffice"
    assert events["focusblock1"][0] == "focusTime"
    assert events["bigtownhall1"] == ("default", True, events[meeting["id"]][2])
    assert events["declinedcall1"][2] == "declined"
    assert events[meeting["id"]][:2] == ("default", False)
    assert {"awayfromdesk1", "focusblock1"}.isdisjoint(meetings)
    assert {meeting["id"], "bigtownhall1", "declinedcall1"} <= meetings
    # declined: kept and marked, never asked of Meet, not a meeting held
    assert status == "declined" and "declined" in detail
    assert not [target for target in asked if DECLINED_CODE in target]
    assert held[1] >= 1 and held[0] + held[1] == listed
