from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from assets.calendar.event_rows import event_row, events_frame, meet_code

ZONE = ZoneInfo("Europe/Berlin")


def meet_event(**overrides):
    event = {
        "id": "evt1",
        "status": "confirmed",
        "summary": "Weekly sync",
        "start": {"dateTime": "2026-11-20T10:00:00+01:00"},
        "end": {"dateTime": "2026-11-20T11:00:00+01:00"},
        "attendees": [
            {"email": "a@x.example"},
            {"displayName": "no email"},
            {"email": "b@y.example"},
        ],
        "conferenceData": {
            "conferenceId": "abc-mnop-xyz",
            "conferenceSolution": {"key": {"type": "hangoutsMeet"}},
        },
    }
    event.update(overrides)
    return event


def test_meet_event_row():
    row = event_row(meet_event(), ZONE)
    assert row["conference_id"] == "abc-mnop-xyz"
    assert row["conference_solution"] == "hangoutsMeet"
    assert row["attendees"] == ["a@x.example", "b@y.example"]
    assert row["partition_date"] == date(2026, 11, 20)
    assert row["start_time"] == datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_meeting_code_from_video_entry_point_when_id_missing():
    conference = {
        "conferenceSolution": {"key": {"type": "hangoutsMeet"}},
        "entryPoints": [
            {"entryPointType": "phone", "uri": "tel:+1-555"},
            {"entryPointType": "video", "uri": "https://meet.google.com/qrs-tuvw-xyz"},
        ],
    }
    assert meet_code(conference) == "qrs-tuvw-xyz"
    assert meet_code({"conferenceSolution": {"key": {"type": "hangoutsMeet"}}}) is None


def test_addon_conference_has_no_meet_code():
    row = event_row(
        meet_event(conferenceData={"conferenceSolution": {"key": {"type": "addOn"}}}), ZONE
    )
    assert row["conference_solution"] == "addOn"
    assert row["conference_id"] is None


def test_cancelled_and_startless_events_are_skipped():
    assert event_row(meet_event(status="cancelled"), ZONE) is None
    assert event_row(meet_event(start={}), ZONE) is None
    assert event_row(meet_event(start={"dateTime": "not a time"}), ZONE) is None
    assert event_row({"summary": "no id"}, ZONE) is None


def test_missing_end_and_summary_are_tolerated():
    row = event_row(meet_event(end=None, summary=None), ZONE)
    assert row["end_time"] == row["start_time"]
    assert row["title"] is None


def test_all_day_event_starts_at_local_midnight():
    row = event_row(
        meet_event(start={"date": "2026-11-20"}, end={"date": "2026-11-21"}, conferenceData=None),
        ZONE,
    )
    assert row["all_day"] is True
    assert row["start_time"] == datetime(2026, 11, 20, tzinfo=ZONE)
    assert row["partition_date"] == date(2026, 11, 20)


def test_midnight_crossing_event_belongs_to_its_start_day_only():
    crossing = meet_event(
        id="late",
        start={"dateTime": "2026-11-20T23:30:00+01:00"},
        end={"dateTime": "2026-11-21T00:30:00+01:00"},
    )
    day_one = events_frame([crossing], ZONE, date(2026, 11, 20), date(2026, 11, 21))
    day_two = events_frame([crossing], ZONE, date(2026, 11, 21), date(2026, 11, 22))
    assert list(day_one["event_id"]) == ["late"]
    assert day_two.empty


def test_duplicate_events_across_pages_count_once():
    frame = events_frame([meet_event(), meet_event()], ZONE, date(2026, 11, 20), date(2026, 11, 21))
    assert len(frame) == 1
