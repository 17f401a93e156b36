from datetime import UTC, datetime, timedelta

from assets.meet.record_matching import Meeting, assign_records, lookup_windows

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def record(name: str, start: datetime, end: datetime | None) -> dict:
    data = {"name": f"conferenceRecords/{name}", "startTime": start.isoformat()}
    if end:
        data["endTime"] = end.isoformat()
    return data


SERIES = [Meeting(f"sync_{d}", "abc-mnop-xyz", at(d, 10), at(d, 10, 30)) for d in (18, 19, 20)]


def test_each_recurring_instance_gets_only_its_own_record():
    records = [record(f"r{d}", at(d, 9, 55), at(d, 10, 31)) for d in (18, 19, 20)]
    assigned = assign_records(SERIES, {"abc-mnop-xyz": records}, NOW)
    assert {k: [r["name"] for r in v] for k, v in assigned.items()} == {
        "sync_18": ["conferenceRecords/r18"],
        "sync_19": ["conferenceRecords/r19"],
        "sync_20": ["conferenceRecords/r20"],
    }


def test_early_start_overrun_and_rejoin_are_matched_in_order():
    meeting = Meeting("m", "qrs-tuvw-xyz", at(20, 14), at(20, 15))
    records = [
        record("second", at(20, 14, 40), at(20, 15, 35)),  # rejoined, ran over
        record("first", at(20, 13, 52), at(20, 14, 30)),  # started early
    ]
    assigned = assign_records([meeting], {"qrs-tuvw-xyz": records}, NOW)
    assert [r["name"] for r in assigned["m"]] == [
        "conferenceRecords/first",
        "conferenceRecords/second",
    ]


def test_a_conference_that_started_well_before_its_slot_is_still_its_meetings():
    meeting = Meeting("m", "qrs-tuvw-xyz", at(20, 14), at(20, 15))
    early = record("early", at(20, 12, 45), at(20, 14, 50))  # 75 minutes early
    ((start, _),) = lookup_windows([meeting]).values()
    assert start <= at(20, 12, 45)
    assigned = assign_records([meeting], {"qrs-tuvw-xyz": [early]}, NOW)
    assert [r["name"] for r in assigned["m"]] == ["conferenceRecords/early"]


def test_record_far_from_any_instance_is_dropped():
    stray = record("stray", at(19, 18), at(19, 19))
    assigned = assign_records(SERIES, {"abc-mnop-xyz": [stray]}, NOW)
    assert all(records == [] for records in assigned.values())


def test_ongoing_record_without_end_still_matches():
    meeting = Meeting("m", "qrs-tuvw-xyz", at(20, 14), at(20, 15))
    assigned = assign_records([meeting], {"qrs-tuvw-xyz": [record("live", at(20, 14), None)]}, NOW)
    assert len(assigned["m"]) == 1


def test_one_search_window_per_code_spans_all_instances():
    windows = lookup_windows(SERIES)
    start, end = windows["abc-mnop-xyz"]
    assert start < at(18, 10) and end > at(20, 10, 30)
    assert end - start < timedelta(days=3)
