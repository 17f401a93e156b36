"""Bad input: malformed or surprising Google payloads never crash a day and never lose the rest.

Three layers, all offline:

- ``test_malformed_payloads_over_http``: hypothesis builds malformed Calendar events and Meet
  records/transcripts/participants/entries (missing, wrong-typed and garbage fields, unknown enum
  values, duplicates across pages, 10k-word entries), injects them into the emulator next to a
  generated day of well-formed meetings, and runs the production resource and asset functions
  over real HTTP into a DuckDB database. The well-formed meetings must come out exactly as on the
  clean workspace; every injected event is either skipped (no usable start, cancelled, no id) or
  stored with the values and transcript status a correct import gives it.
- ``test_dagster_run_survives_every_malformed_case``: one real Dagster run over a day holding a
  fixed selection of every malformed case.
- ``test_*_never_raise_on_arbitrary_json``: the pure parsing/assembly functions over arbitrary
  JSON-shaped values, including shapes the emulator cannot serve (non-dict list items,
  unhashable ids, year 1 and year 9999 timestamps).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assets.calendar.calendar_events import import_calendar_slice
from assets.calendar.event_rows import event_row, events_frame, parse_time
from assets.calendar.meet_meetings import import_meet_meetings_slice
from assets.meet.conference_fetch import match_records
from assets.meet.conference_lookup import ConferenceLookup, RecordTranscripts
from assets.meet.transcript_assembly import UNKNOWN_SPEAKER
from assets.transcripts.meet_step import import_meet_slice, write_meet_slices
from assets.transcripts.transcript_rows import build_frames, meetings_of
from assets.warehouse.migrations import migrate
from assets.warehouse.slices import replace_slice
from assets.warehouse.tables import CALENDAR_EVENTS
from assets.warehouse.transcript_results import STATUSES
from emulator.wire.timefmt import calendar_datetime, proto_stamp
from google_client import GoogleClient
from settings import Settings
from tests.helpers import YESTERDAY, expected_text, google_client, materialize_range

DAY = YESTERDAY
NEXT_DAY = DAY + timedelta(days=1)
DAY_START = datetime.combine(DAY, time(), UTC)
ZONE = ZoneInfo("UTC")
USABLE = ("FILE_GENERATED", "ENDED")
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
HUGE = " ".join(f"w{i}" for i in range(10_000))  # a 10k-word utterance
GARBAGE_TIMES = (
    "",
    "not a time",
    "2026-13-45T99:99:99Z",
    "2026-02-30T10:00:00Z",
    "2026-11-24T25:00:00Z",
    "tomorrow at noon",
    "24/11/2026",
)
NON_MEETING_TYPES = ("focusTime",)  # of those drawn below: never a meeting (Calendar's eventType)
SHAPE = {"days": 1, "meetings_per_day": 4, "long_transcript_entries": 30}
TABLES = {
    "calendar_events": "*",
    "meet_meetings": "*",
    "conference_records": "*",
    "transcripts": "* EXCLUDE (checked_at)",
    "transcript_entries": "*",
}


def put(target: dict, key: str, value: Any) -> None:
    if value is not MISSING:
        target[key] = value


def code_for(n: int) -> str:
    """A Meet code no generated workspace uses (the generator never starts one with 'bad')."""
    letters = "".join(chr(97 + (n // 26**i) % 26) for i in range(4))
    return f"bad-{letters}-zzz"


# ----- the production path, asset by asset
def import_day(google: GoogleClient, conn: duckdb.DuckDBPyConnection) -> None:
    """What calendar_events, meet_meetings and meet_transcripts do for the partition DAY: the
    functions their assets call."""
    same = lambda: contextlib.nullcontext(conn)  # noqa: E731
    import_calendar_slice(google, same, DAY_START, DAY_START + timedelta(days=1))
    import_meet_meetings_slice(conn, DAY, NEXT_DAY)
    import_meet_slice(
        google,
        same,
        DAY,
        NEXT_DAY,
        now=datetime.now(UTC),
        meetings_per_write=Settings().meetings_per_write,
        log=logging.getLogger(__name__),
    )


def snapshot(conn: duckdb.DuckDBPyConnection, event_ids: list[str]) -> dict[str, list]:
    """Every row of the given events in every table (checked_at left out)."""
    return {
        table: conn.execute(
            f"SELECT {columns} FROM {table} WHERE list_contains(?, event_id) ORDER BY ALL",
            [event_ids],
        ).fetchall()
        for table, columns in TABLES.items()
    }


def baseline_of(env, ws) -> tuple[list[str], dict[str, list]]:
    """The clean workspace's import of DAY, checked against the emulator's ground truth."""
    codes = [m["meeting_code"] for m in ws.expected_meetings()]
    assert not any(code.startswith("bad-") for code in codes)
    with google_client(workers=4) as google, duckdb.connect() as conn:
        import_day(google, conn)
        event_ids = [r[0] for r in conn.execute("SELECT event_id FROM calendar_events").fetchall()]
        expected = {
            m["event_id"]
            for m in ws.expected_meetings()
            if str(m["start"].get("dateTime", m["start"].get("date")))[:10] == DAY.isoformat()
        }
        rows = conn.execute("SELECT event_id, transcript_status, transcript FROM transcripts")
        found = {event_id: (status, text) for event_id, status, text in rows.fetchall()}
        assert set(found) == expected
        assert sum(status == "available" for status, _ in found.values()) >= 5
        for event_id, (status, text) in found.items():
            assert text == (expected_text(ws, event_id) if status == "available" else "")
        return event_ids, snapshot(conn, event_ids)


# ----- what a correct import stores for an injected event
@dataclass
class Expected:
    event_id: str | None  # None: the event must not be stored at all
    row: dict[str, Any] = field(default_factory=dict)
    status: str | None = None  # transcript_status; None when not a Meet meeting
    records: list[str] = field(default_factory=list)
    entries: list[tuple[str, str, str]] = field(default_factory=list)  # name, speaker, text


@dataclass
class Case:
    events: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    transcripts: dict[str, list] = field(default_factory=dict)
    participants: dict[str, list] = field(default_factory=dict)
    entries: dict[str, list] = field(default_factory=dict)
    expected: list[Expected] = field(default_factory=list)

    def __repr__(self) -> str:  # keep hypothesis' falsifying example readable
        return f"Case(events={self.events!r:.3000}, records={self.records!r:.2000})"


def inject(ws, emulator, base: Case, case: Case) -> None:
    ws.events = base.events + case.events
    ws.conference_records = base.records + case.records
    ws.transcripts = {**base.transcripts, **case.transcripts}
    ws.participants = {**base.participants, **case.participants}
    ws.entries = {**base.entries, **case.entries}
    ws.touch()
    emulator.reindex()


def base_case(ws) -> Case:
    return Case(
        list(ws.events),
        list(ws.conference_records),
        dict(ws.transcripts),
        dict(ws.participants),
        dict(ws.entries),
    )


def speaker_of(participants: list, participant: Any) -> str:
    """The expected speaker: the display name of the participant an entry names, if any."""
    by_name = {
        p["name"]: p for p in participants if isinstance(p, dict) and isinstance(p.get("name"), str)
    }
    found = by_name.get(participant, {}) if isinstance(participant, str) else {}
    for kind in ("signedinUser", "anonymousUser", "phoneUser"):
        name = (found.get(kind) or {}).get("displayName")
        if isinstance(name, str) and name.strip():
            return name.strip()
    return UNKNOWN_SPEAKER


def expected_meet(case: Case, records: list[dict]) -> tuple[str, list]:
    """transcript_status and entries of a meeting whose records all fit its time (Meet's rules:
    records without a parseable start or past expireTime are never listed)."""
    live = [r for r in records if r.get("_live")]
    if not live:
        return "no_conference", []
    transcripts = [t for r in live for t in case.transcripts.get(r["name"], [])]
    states = {t.get("state") for t in transcripts if isinstance(t.get("state"), str)}
    ongoing = any(not r.get("endTime") for r in live)
    if "STARTED" in states or (ongoing and not transcripts):
        return "pending", []
    if not states & set(USABLE):
        return ("pending" if transcripts else "no_transcript"), []
    entries: dict[str, tuple[str, str, str]] = {}
    for record in live:
        for transcript in case.transcripts.get(record["name"], []):
            if transcript.get("state") not in USABLE:
                continue
            for entry in case.entries.get(transcript["name"], []):
                if not isinstance(entry.get("name"), str):
                    continue
                text = entry.get("text")
                speaker = speaker_of(
                    case.participants.get(record["name"], []), entry.get("participant")
                )
                entries.setdefault(
                    entry["name"],
                    (
                        entry["name"],
                        speaker,
                        " ".join(text.split()) if isinstance(text, str) else "",
                    ),
                )
    return "available", list(entries.values())


def check_case(conn: duckdb.DuckDBPyConnection, case: Case, base_ids, baseline) -> None:
    """The well-formed meetings are untouched and every injected event is stored as expected."""
    assert snapshot(conn, base_ids) == baseline
    stored = {r[0] for r in conn.execute("SELECT event_id FROM calendar_events").fetchall()}
    present = {e.event_id for e in case.expected if e.event_id}
    assert stored == set(base_ids) | present
    for exp in case.expected:
        event("skipped" if exp.event_id is None else f"stored, transcript {exp.status}")
        if exp.event_id is None:
            continue
        cursor = conn.execute("SELECT * FROM calendar_events WHERE event_id = ?", [exp.event_id])
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
        assert len(rows) == 1, exp.event_id
        row = rows[0]
        assert row["partition_date"] == DAY
        assert row["end_time"] >= row["start_time"]
        for key, value in exp.row.items():
            assert row[key] == value, (exp.event_id, key)
        check_transcript(conn, exp)


def check_transcript(conn: duckdb.DuckDBPyConnection, exp: Expected) -> None:
    found = conn.execute(
        "SELECT transcript_status, transcript, entry_count FROM transcripts WHERE event_id = ?",
        [exp.event_id],
    ).fetchall()
    if exp.status is None:
        assert found == []
        return
    assert len(found) == 1
    status, text, count = found[0]
    assert status in STATUSES
    assert status == exp.status, exp.event_id
    records = conn.execute(
        "SELECT record_name FROM conference_records WHERE event_id = ? ORDER BY record_name",
        [exp.event_id],
    ).fetchall()
    assert [r[0] for r in records] == sorted(exp.records)
    entries = conn.execute(
        "SELECT entry_name, speaker, text FROM transcript_entries WHERE event_id = ? "
        "ORDER BY entry_index",
        [exp.event_id],
    ).fetchall()
    assert sorted(entries) == sorted(exp.entries)
    assert count == len(entries)
    assert text == "\n".join(f"{speaker}: {line}" for _, speaker, line in entries)


# ----- strategies
def const(raw: Any, expected: Any = None) -> st.SearchStrategy:
    return st.just((raw, expected))


def same(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return strategy.map(lambda value: (value, value))


def mostly(draw, good: Any, bad: list) -> Any:
    """``good`` seven times out of eight (what shrinking goes to), else one of ``bad``."""
    return draw(st.sampled_from(bad)) if draw(st.integers(0, 7)) == 7 else good


OFFSETS = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8)), None]
)
EMAILS = st.sampled_from(["a@x.example", "b@y.example", "c@z.example"])
ATTENDEE = st.one_of(
    EMAILS.map(lambda e: ({"email": e}, e)),
    const({"displayName": "No Mail"}),
    const({"email": 5}),
    const({"email": ""}),
    const("loose@x.example"),
    const(7),
    const(None),
)
WRONG_TYPES = st.sampled_from([5, ["x"], {"a": "b"}, None, True])


@st.composite
def calendar_time(draw, instant: datetime, all_day_ok: bool = True):
    """A Calendar start/end value for ``instant``: (raw, parsed instant or None, all_day)."""
    form = mostly(draw, "dateTime", ["naive", "date", "garbage", "garbage_date", "empty", "wrong"])
    if form == "date" and not all_day_ok:
        form = "dateTime"
    if form == "dateTime":
        offset = draw(OFFSETS) or UTC
        value = {"dateTime": calendar_datetime(instant, offset)}
        put(value, "timeZone", draw(st.sampled_from([MISSING, "UTC", "Mars/Olympus", 5])))
        return value, instant, False
    if form == "naive":
        return {"dateTime": instant.replace(tzinfo=None).isoformat()}, instant, False
    if form == "date":
        midnight = datetime.combine(instant.date(), time(), UTC)
        return {"date": instant.date().isoformat()}, midnight, True
    if form == "garbage":
        return {"dateTime": draw(st.sampled_from(GARBAGE_TIMES))}, None, False
    if form == "garbage_date":
        return (
            {"date": draw(st.sampled_from(["2026-02-30", "24/11/2026", "", 20261124]))},
            None,
            False,
        )
    if form == "empty":
        return {}, None, False
    return draw(st.sampled_from([MISSING, "2026-11-24T10:00:00Z", 5, []])), None, False


@st.composite
def conference_data(draw, code: str):
    """(raw conferenceData, expected conference_solution, expected conference_id)."""
    video = {"entryPointType": "video", "uri": f"https://meet.google.com/{code}"}
    phone = {"entryPointType": "phone", "uri": "tel:+1-402-555-0187", "pin": "123"}
    meet = {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"}
    kind = mostly(
        draw,
        "meet",
        [
            "no_entry_points",
            "no_conference_id",
            "neither",
            "bad_conference_id",
            "entry_points_wrong_type",
            "addon",
            "unknown_solution",
            "solution_wrong_type",
            "key_wrong_type",
            "type_wrong_type",
            "not_a_dict",
            "missing",
        ],
    )
    if kind == "meet":
        return {"entryPoints": [video, phone], "conferenceSolution": meet, "conferenceId": code}, (
            "hangoutsMeet",
            code,
        )
    if kind == "no_entry_points":
        return {"conferenceSolution": meet, "conferenceId": code}, ("hangoutsMeet", code)
    if kind == "no_conference_id":
        return {"entryPoints": [phone, video], "conferenceSolution": meet}, ("hangoutsMeet", code)
    if kind == "neither":
        return {"conferenceSolution": meet}, ("hangoutsMeet", None)
    if kind == "bad_conference_id":
        wrong = draw(st.sampled_from(["not-a-code", 5, "", "ABC-DEFG-HIJ"]))
        return {"conferenceSolution": meet, "conferenceId": wrong, "entryPoints": [phone]}, (
            "hangoutsMeet",
            None,
        )
    if kind == "entry_points_wrong_type":
        wrong = draw(st.sampled_from([5, "video", {"uri": "x"}, [5, None, "video"]]))
        return {"conferenceSolution": meet, "entryPoints": wrong}, ("hangoutsMeet", None)
    if kind in ("addon", "unknown_solution"):
        solution = "addOn" if kind == "addon" else "someBrandNewSolution"
        raw = {"conferenceSolution": {"key": {"type": solution}}, "conferenceId": code}
        return raw, (solution, None)
    if kind == "solution_wrong_type":
        return {"conferenceSolution": draw(WRONG_TYPES), "conferenceId": code}, (None, None)
    if kind == "key_wrong_type":
        return {"conferenceSolution": {"key": draw(WRONG_TYPES)}, "conferenceId": code}, (
            None,
            None,
        )
    if kind == "type_wrong_type":
        raw = {"conferenceSolution": {"key": {"type": draw(WRONG_TYPES)}}, "conferenceId": code}
        return raw, (None, None)
    if kind == "not_a_dict":
        return draw(st.sampled_from(["meet", 5, [video]])), (None, None)
    return MISSING, (None, None)


def meet_time(draw, around: datetime, minutes: tuple[int, int]) -> Any:
    """A Meet timestamp near ``around``: valid (0/3/6 fractional digits), garbage, absent..."""
    form = draw(st.sampled_from(["valid", "valid", "valid", "garbage", "missing", "wrong", "far"]))
    if form == "valid":
        moment = around + timedelta(minutes=draw(st.integers(*minutes)))
        return proto_stamp(moment + timedelta(microseconds=draw(st.sampled_from([0, 120000, 7]))))
    if form == "garbage":
        return draw(st.sampled_from(GARBAGE_TIMES))
    if form == "wrong":
        return draw(WRONG_TYPES)
    if form == "far":
        return draw(
            st.sampled_from(
                ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "3000-01-01T00:00:00Z"]
            )
        )
    return MISSING


@st.composite
def meet_artifacts(draw, case: Case, n: int, code: str, start: datetime) -> list[dict]:
    """Conference records of ``code`` around ``start``, with their transcripts, participants
    and entries, into ``case``; records carry ``_live`` (listed by Meet) for the oracle."""
    records = []
    for k in range(draw(st.sampled_from([0, 1, 1, 1, 2]))):
        name = f"conferenceRecords/bad{n}r{k}"
        record: dict[str, Any] = {"name": name, "_meeting_code": code}
        begin = start + timedelta(minutes=draw(st.integers(-20, 20)))
        start_form = mostly(draw, "valid", ["garbage", "missing", "wrong"])
        put(
            record,
            "startTime",
            {
                "valid": proto_stamp(begin),
                "garbage": draw(st.sampled_from(GARBAGE_TIMES)),
                "missing": MISSING,
                "wrong": 5,
            }[start_form],
        )
        end_form = draw(st.sampled_from(["valid"] * 5 + ["missing", "empty", "garbage"]))
        put(
            record,
            "endTime",
            {
                "valid": proto_stamp(begin + timedelta(minutes=draw(st.integers(5, 90)))),
                "missing": MISSING,
                "empty": "",
                "garbage": "soon",
            }[end_form],
        )
        expire_form = mostly(draw, "future", ["missing", "past", "garbage"])
        put(
            record,
            "expireTime",
            {
                "missing": MISSING,
                "future": proto_stamp(begin + timedelta(days=30)),
                "past": "2020-01-01T00:00:00Z",
                "garbage": "never",
            }[expire_form],
        )
        put(record, "space", draw(st.sampled_from([f"spaces/bad{n}", MISSING, 5, None])))
        record["_live"] = start_form == "valid" and expire_form != "past"
        records.append(record)
        case.records.append(record)
        if draw(st.booleans()) and k == 0:
            case.records.append(record)  # the same record listed twice

        participants = []
        for j in range(draw(st.integers(0, 3))):
            participant: dict[str, Any] = {}
            put(
                participant,
                "name",
                draw(st.sampled_from([f"{name}/participants/p{j}"] * 3 + [MISSING, ["x"], 5])),
            )
            kind = draw(
                st.sampled_from(["signedinUser", "anonymousUser", "phoneUser", "robotUser", None])
            )
            if kind:
                user: dict[str, Any] = {}
                display = st.one_of(st.text(max_size=12), st.sampled_from([MISSING, 5, "   "]))
                put(user, "displayName", draw(display))
                participant[kind] = user
            participants.append(participant)
        case.participants[name] = participants

        transcripts = []
        for j in range(draw(st.sampled_from([0, 1, 1, 1, 2]))):
            transcript = {"name": f"{name}/transcripts/t{j}"}
            states = ["ENDED", "STARTED", "SOMETHING_NEW", MISSING, None, 5]
            put(transcript, "state", mostly(draw, "FILE_GENERATED", states))
            transcripts.append(transcript)
            case.entries[transcript["name"]] = draw(entries_of(transcript["name"], name, begin))
        case.transcripts[name] = transcripts
    return records


@st.composite
def entries_of(draw, transcript: str, record: str, begin: datetime) -> list[dict]:
    entries = []
    if draw(st.integers(0, 4)) == 0:  # push what follows onto the second page (100 a page)
        entries += [
            {
                "name": f"{transcript}/entries/fill{i}",
                "participant": f"{record}/participants/p0",
                "text": f"filler {i}",
                "languageCode": "en-US",
                "startTime": proto_stamp(begin + timedelta(seconds=i)),
                "endTime": proto_stamp(begin + timedelta(seconds=i + 1)),
            }
            for i in range(99)
        ]
    for i in range(draw(st.integers(0, 5))):
        entry: dict[str, Any] = {}
        put(
            entry,
            "name",
            draw(st.sampled_from([f"{transcript}/entries/e{i}"] * 4 + [MISSING, 5])),
        )
        participants = [f"{record}/participants/p{j}" for j in range(3)]
        put(
            entry,
            "participant",
            draw(
                st.sampled_from(
                    [*participants, f"{record}/participants/ghost", MISSING, 5, ["x"], None]
                )
            ),
        )
        text = st.one_of(
            st.text(max_size=30), st.sampled_from([MISSING, 5, None, ["a"], "  spaced\n\tout  "])
        )
        put(entry, "text", HUGE if draw(st.integers(0, 14)) == 0 else draw(text))
        put(entry, "languageCode", draw(st.sampled_from(["en-US", "pt-BR", MISSING, 5])))
        put(entry, "startTime", meet_time(draw, begin, (0, 50)))
        put(entry, "endTime", meet_time(draw, begin, (1, 51)))
        entries.append(entry)
    if entries and draw(st.booleans()):
        entries.append(dict(entries[-1]))  # a duplicate, on the next page after the fillers
    return entries


@st.composite
def bad_event(draw, case: Case, n: int) -> None:
    """One malformed event (and its Meet artifacts) into ``case`` with its expectation."""
    ident = f"bad{n}"
    event: dict[str, Any] = {"kind": "calendar#event", "etag": f'"{n}"'}
    raw_id, expected_id = mostly(draw, (ident, ident), [(MISSING, None), ("", None), (5, None)])
    put(event, "id", raw_id)
    raw_status, status = mostly(
        draw,
        ("confirmed", "confirmed"),
        [
            (MISSING, "confirmed"),
            ("tentative", "tentative"),
            ("cancelled", None),
            ("weird", "weird"),
            ("", "confirmed"),
            (None, "confirmed"),
            (7, "confirmed"),
        ],
    )
    put(event, "status", raw_status)
    event["updated"] = "2026-01-01T00:00:00.000Z"
    raw_summary, title = draw(
        st.one_of(same(st.text(max_size=30)), const(MISSING), const(None), const(5), const(["x"]))
    )
    put(event, "summary", raw_summary)
    raw_organizer, organizer = draw(
        st.one_of(
            EMAILS.map(lambda e: ({"email": e}, e)),
            const(MISSING),
            const({}),
            const({"email": 5}),
            const("boss@x.example"),
            const(5),
        )
    )
    put(event, "organizer", raw_organizer)

    day = mostly(draw, DAY, [DAY - timedelta(days=1), NEXT_DAY])
    minute = draw(st.integers(1, 24 * 60 - 1))
    instant = datetime.combine(day, time(), UTC) + timedelta(minutes=minute)
    raw_start, start, all_day = draw(calendar_time(instant))
    put(event, "start", raw_start)
    # never before the start of DAY: Calendar would not list such an event for DAY at all
    lowest = -min(120, minute - 1) if not all_day else 1
    moment = (start or instant) + timedelta(minutes=draw(st.integers(lowest, 26 * 60)))
    if draw(st.integers(0, 9)) == 0:
        moment = datetime(2100, 1, 1, tzinfo=UTC)
    raw_end, end, _ = draw(calendar_time(moment, all_day_ok=not (start and start.date() == DAY)))
    put(event, "end", raw_end)

    raw_attendees, attendees = draw(
        st.one_of(
            st.lists(ATTENDEE, max_size=5).map(
                lambda pairs: (
                    [raw for raw, _ in pairs],
                    list(dict.fromkeys(e for _, e in pairs if e)),
                )
            ),
            const(MISSING, []),
            const(5, []),
            const("a@x.example", []),
            const({"email": "a@x.example"}, []),
        )
    )
    put(event, "attendees", raw_attendees)
    raw_conference, (solution, code) = draw(conference_data(code_for(n)))
    put(event, "conferenceData", raw_conference)
    put(
        event,
        "eventType",
        draw(st.sampled_from([MISSING, "default", "focusTime", "somethingBrandNew", 5])),
    )
    put(event, "recurringEventId", draw(st.sampled_from([MISSING, "series1", 5, None])))
    put(event, "htmlLink", draw(st.sampled_from([MISSING, "https://calendar.example/e", 5])))

    case.events.append(event)
    if draw(st.integers(0, 5)) == 0:
        case.events.append(event)  # listed twice: stored once
    stored = bool(expected_id) and status is not None and start is not None
    if not stored or start.date() != DAY:
        case.expected.append(Expected(None))
        return
    row = {
        "title": title if isinstance(title, str) else None,
        "status": status,
        "start_time": start,
        "end_time": end if end is not None and end >= start else start,
        "all_day": all_day,
        "organizer_email": organizer,
        "attendees": attendees,
        "conference_solution": solution,
        "conference_id": code,
        "recurring_event_id": event.get("recurringEventId")
        if isinstance(event.get("recurringEventId"), str)
        else None,
        "html_link": event.get("htmlLink") if isinstance(event.get("htmlLink"), str) else None,
    }
    expected = Expected(expected_id, row)
    if solution == "hangoutsMeet" and event.get("eventType") not in NON_MEETING_TYPES:
        records = draw(meet_artifacts(case, n, code, start)) if code else []
        expected.status, expected.entries = expected_meet(case, records)
        expected.records = [r["name"] for r in records if r["_live"]]
    case.expected.append(expected)


@st.composite
def bad_cases(draw) -> Case:
    case = Case()
    for n in range(draw(st.integers(1, 6))):
        draw(bad_event(case, n))
    return case


# ----- 1. property-based, over real HTTP
def test_malformed_payloads_over_http(connected_factory):
    env, ws = connected_factory(**SHAPE)
    base_ids, baseline = baseline_of(env, ws)
    base = base_case(ws)

    with google_client(workers=4) as google:

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
        )
        @given(bad_cases())
        def import_survives(case: Case) -> None:
            inject(ws, env.emulator, base, case)
            google.retries.clear()
            with duckdb.connect() as conn:
                import_day(google, conn)
                check_case(conn, case, base_ids, baseline)
            assert not google.retries, "the emulator answered 5xx"

        import_survives()


# ----- 2. a real Dagster run over every case at once
def at(hour: int, minute: int = 0) -> datetime:
    return DAY_START + timedelta(hours=hour, minutes=minute)


def fixed_cases(ws) -> dict[str, str]:
    """Every malformed case on DAY, built with the workspace helpers then broken by hand."""
    ids: dict[str, str] = {}

    def event(key: str, hour: int, code: str | None = None, **changes) -> dict:
        made = ws.new_event(f"Case {key}", at(hour), at(hour, 45), meeting_code=code)
        for name, value in changes.items():
            if value is MISSING:
                del made[name]
            else:
                made[name] = value
        ids[key] = made["id"]
        return made

    event("no_end", 15, "bad-noen-ddd", end=MISSING)
    event("no_summary", 15, "bad-nosu-mmm", summary=MISSING)
    event("no_start", 15, "bad-nost-art", start=MISSING)
    event("garbage_start", 15, start={"dateTime": "2026-02-30T10:00:00Z"})
    event("garbage_end", 16, end={"dateTime": "not a time"})
    event(
        "odd_attendees",
        16,
        attendees=[
            {"displayName": "No Mail"},
            "loose@x.example",
            5,
            None,
            {"email": 7},
            {"email": "ok@x.example"},
            {"email": "ok@x.example"},
        ],
    )
    no_points = event("no_entry_points", 16, "bad-noep-ttt")
    del no_points["conferenceData"]["entryPoints"]
    no_id = event("no_conference_id", 16, "bad-noid-ddd")
    del no_id["conferenceData"]["conferenceId"]
    unknown = event("unknown_solution", 17, "bad-unkn-own")
    unknown["conferenceData"]["conferenceSolution"]["key"]["type"] = "someBrandNewSolution"
    event("weird_status", 17, "bad-weir-ddd", status="weird", eventType="somethingBrandNew")
    twice = event("listed_twice", 17)
    ws.add_event(twice)

    # one meeting with everything odd inside its transcript
    code = "bad-huge-eee"
    event("transcript", 18, code)
    record = ws.add_conference(code, at(18, 2), at(18, 50), event_id=ids["transcript"])["name"]
    ws.conference_records.append(ws.conference_records[-1])  # the same record listed twice
    ana = ws.add_participant(record, "Ana Souza", at(18, 2), at(18, 50))["name"]
    nameless = ws.add_participant(record, "x", at(18, 2), at(18, 50), kind="anonymous")
    del nameless["anonymousUser"]["displayName"]
    robot = f"{record}/participants/robot1"
    ws.participants[record].append({"name": robot, "robotUser": {"displayName": "R2"}})
    ws.participants[record].append(ws.participants[record][0])  # duplicate participant
    transcript = ws.add_transcript(record, at(18, 2), at(18, 50))["name"]
    ws.add_entry(transcript, ana, HUGE, at(18, 3), at(18, 13))
    for i in range(98):
        ws.add_entry(transcript, ana, f"filler {i}", at(18, 14), at(18, 14))
    duplicate = ws.add_entry(transcript, ana, "said once", at(18, 20), at(18, 21))
    ws.entries[transcript].append(dict(duplicate))  # entry 100 repeats entry 99: page two
    no_speaker = ws.add_entry(transcript, ana, "nobody said", at(18, 22), at(18, 23))
    del no_speaker["participant"]
    no_text = ws.add_entry(transcript, ana, "x", at(18, 24), at(18, 25))
    del no_text["text"]
    no_times = ws.add_entry(transcript, ana, "timeless", at(18, 26), at(18, 27))
    del no_times["startTime"], no_times["endTime"]
    garbage_time = ws.add_entry(transcript, ana, "garbage time", at(18, 28), at(18, 29))
    garbage_time["startTime"] = "yesterday-ish"
    ws.add_entry(transcript, nameless["name"], "anonymous", at(18, 30), at(18, 31))
    ws.add_entry(transcript, robot, "beep", at(18, 32), at(18, 33))
    ws.add_entry(transcript, f"{record}/participants/ghost", "ghost", at(18, 34), at(18, 35))

    code = "bad-wron-ggg"
    event(
        "wrong_types",
        18,
        code,
        organizer="boss@x.example",
        attendees=5,
        htmlLink=5,
        recurringEventId=5,
    )
    record = ws.add_conference(code, at(18), at(18, 40), event_id=ids["wrong_types"])["name"]
    ws.participants[record] = [{"name": ["x"], "signedinUser": {"displayName": "Listy"}}]
    transcript = ws.add_transcript(record, at(18), at(18, 40))["name"]
    listy = ws.add_entry(transcript, "x", "list speaker", at(18, 1), at(18, 2))
    listy["participant"], listy["languageCode"] = ["x"], 5

    code = "bad-newv-aaa"
    event("new_state", 19, code)
    record = ws.add_conference(code, at(19), at(19, 40), event_id=ids["new_state"])["name"]
    ws.add_transcript(record, at(19), at(19, 40), state="SOMETHING_NEW")

    code = "bad-ongo-ing"
    event("ongoing", 20, code)
    ws.add_conference(code, at(20), None, event_id=ids["ongoing"])

    code = "bad-open-end"
    event("ongoing_with_transcript", 20, code)
    record = ws.add_conference(code, at(20), None, event_id=ids["ongoing_with_transcript"])
    transcript = ws.add_transcript(record["name"], at(20), at(20, 30))["name"]
    ws.add_entry(transcript, f"{record['name']}/participants/x", "still here", at(20), at(20, 1))

    code = "bad-garb-age"
    event("garbage_record_times", 21, code)
    record = ws.add_conference(code, at(21), at(21, 30), event_id=ids["garbage_record_times"])
    record["endTime"], record["expireTime"] = "soon", "never"
    transcript = ws.add_transcript(record["name"], at(21), at(21, 30))["name"]
    ws.add_entry(transcript, f"{record['name']}/participants/x", "garbage", at(21), at(21, 1))
    lost = ws.add_conference(code, at(21, 5), at(21, 20))
    lost["startTime"] = "not a time"  # never listed: Meet cannot filter it by start_time
    return ids


def test_dagster_run_survives_every_malformed_case(connected_factory):
    env, ws = connected_factory(**SHAPE)
    base_ids, baseline = baseline_of(env, ws)
    ids = fixed_cases(ws)

    result = materialize_range(DAY, DAY)
    assert result.success

    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        assert snapshot(conn, base_ids) == baseline

        def one(sql: str, key: str) -> tuple:
            rows = conn.execute(sql, [ids[key]]).fetchall()
            assert len(rows) == 1, (key, rows)
            return rows[0]

        def transcript(key: str) -> tuple[str, str]:
            return one("SELECT transcript_status, transcript FROM meetings WHERE event_id=?", key)

        stored = {r[0] for r in conn.execute("SELECT event_id FROM calendar_events").fetchall()}
        skipped = {ids["no_start"], ids["garbage_start"]}
        assert stored == set(base_ids) | (set(ids.values()) - skipped)

        start, end = one(
            "SELECT start_time, end_time FROM calendar_events WHERE event_id=?", "no_end"
        )
        assert start == end == at(15)
        start, end = one(
            "SELECT start_time, end_time FROM calendar_events WHERE event_id=?", "garbage_end"
        )
        assert start == end == at(16)
        assert one("SELECT title FROM meetings WHERE event_id=?", "no_summary") == (None,)
        assert one("SELECT attendees FROM calendar_events WHERE event_id=?", "odd_attendees") == (
            ["ok@x.example"],
        )
        for key, code in (
            ("no_entry_points", "bad-noep-ttt"),
            ("no_conference_id", "bad-noid-ddd"),
        ):
            assert one("SELECT conference_id FROM meet_meetings WHERE event_id=?", key) == (code,)
        assert one(
            "SELECT conference_solution, conference_id FROM calendar_events WHERE event_id=?",
            "unknown_solution",
        ) == ("someBrandNewSolution", None)
        assert conn.execute(
            "SELECT count(*) FROM meet_meetings WHERE event_id=?", [ids["unknown_solution"]]
        ).fetchone() == (0,)
        assert one("SELECT status FROM calendar_events WHERE event_id=?", "weird_status") == (
            "weird",
        )
        assert transcript("weird_status") == ("no_conference", "")
        assert one("SELECT count(*) FROM calendar_events WHERE event_id=?", "listed_twice") == (1,)

        status, text = transcript("transcript")
        assert status == "available"
        lines = text.split("\n")
        assert lines[0] == f"Ana Souza: {HUGE}"  # the 10k-word entry, whole
        assert lines.count("Ana Souza: said once") == 1  # the duplicate across pages, once
        for line in ("Unknown speaker: nobody said", "Ana Souza: ", "Unknown speaker: anonymous"):
            assert line in lines
        assert "Unknown speaker: beep" in lines and "Unknown speaker: ghost" in lines
        assert set(lines[-2:]) == {"Ana Souza: timeless", "Ana Souza: garbage time"}
        assert len(lines) == 1 + 98 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1
        assert one(
            "SELECT count(*), count(DISTINCT entry_name) FROM transcript_entries WHERE event_id=?",
            "transcript",
        ) == (len(lines), len(lines))
        assert one("SELECT count(*) FROM conference_records WHERE event_id=?", "transcript") == (1,)

        assert one(
            "SELECT organizer_email, attendees, html_link, recurring_event_id "
            "FROM calendar_events WHERE event_id=?",
            "wrong_types",
        ) == (None, [], None, None)
        assert transcript("wrong_types") == ("available", "Unknown speaker: list speaker")
        assert one(
            "SELECT participant_name, language_code FROM transcript_entries WHERE event_id=?",
            "wrong_types",
        ) == (None, None)
        assert transcript("new_state") == ("pending", "")
        assert transcript("ongoing") == ("pending", "")
        assert transcript("ongoing_with_transcript") == ("available", "Unknown speaker: still here")
        assert transcript("garbage_record_times") == ("available", "Unknown speaker: garbage")
        assert one(
            "SELECT end_time, expire_time FROM conference_records WHERE event_id=?",
            "garbage_record_times",
        ) == (None, None)


# ----- 3. the pure functions over arbitrary JSON
EXTREME_TIMES = st.sampled_from(
    [
        "0001-01-01T00:00:00+05:00",
        "0001-01-01",
        "9999-12-31T23:59:59-05:00",
        "9999-12-31",
        "3000-01-01T00:00:00Z",
        f"{DAY.isoformat()}T10:00:00Z",
        f"{DAY.isoformat()}T10:00:00",
        DAY.isoformat(),
        *GARBAGE_TIMES,
    ]
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | EXTREME_TIMES,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(strategy, JSON)


WHEN = maybe(
    st.fixed_dictionaries(
        {}, optional={"dateTime": maybe(EXTREME_TIMES), "date": maybe(EXTREME_TIMES)}
    )
)
EVENT = st.fixed_dictionaries(
    {},
    optional={
        "id": maybe(st.sampled_from(["e1", "e2"])),
        "status": maybe(st.sampled_from(["confirmed", "cancelled", "weird"])),
        "summary": JSON,
        "start": WHEN,
        "end": WHEN,
        "attendees": maybe(st.lists(maybe(st.fixed_dictionaries({"email": JSON})), max_size=3)),
        "organizer": maybe(st.fixed_dictionaries({"email": JSON})),
        "recurringEventId": JSON,
        "htmlLink": JSON,
        "conferenceData": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "conferenceId": maybe(st.just("abc-mnop-xyz")),
                    "conferenceSolution": maybe(
                        st.fixed_dictionaries(
                            {
                                "key": maybe(
                                    st.fixed_dictionaries({"type": maybe(st.just("hangoutsMeet"))})
                                )
                            }
                        )
                    ),
                    "entryPoints": maybe(
                        st.lists(
                            maybe(
                                st.fixed_dictionaries(
                                    {
                                        "entryPointType": maybe(st.just("video")),
                                        "uri": maybe(
                                            st.just("https://meet.google.com/qrs-tuvw-xyz")
                                        ),
                                    }
                                )
                            ),
                            max_size=2,
                        )
                    ),
                },
            )
        ),
    },
)


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(maybe(EVENT), max_size=6))
def test_events_frame_never_raises_on_arbitrary_json(items):
    frame = events_frame(items, ZONE, DAY, NEXT_DAY)
    with duckdb.connect() as conn:
        migrate(conn)
        assert replace_slice(conn, CALENDAR_EVENTS, frame, DAY, NEXT_DAY) == len(frame)
        rows = conn.execute(
            "SELECT event_id, partition_date, status, start_time <= end_time FROM calendar_events"
        ).fetchall()
    assert len({r[0] for r in rows}) == len(rows)
    for event_id, day, status, ordered in rows:
        assert isinstance(event_id, str) and event_id and day == DAY and ordered
        assert isinstance(status, str) and status != "cancelled"


MEETINGS = pd.DataFrame(
    [
        {
            "event_id": f"e{i}",
            "partition_date": DAY,
            "start_time": pd.Timestamp(at(10 + i)),
            "end_time": pd.Timestamp(at(10 + i, 45)),
            "conference_id": "abc-mnop-xyz",
        }
        for i in range(2)
    ]
    + [
        {
            "event_id": "e9",
            "partition_date": DAY,
            "start_time": pd.Timestamp(at(12)),
            "end_time": pd.Timestamp(at(12)),
            "conference_id": None,
        }
    ]
)
NAMES = st.sampled_from(["conferenceRecords/r0", "conferenceRecords/r1"])
STAMP = maybe(st.sampled_from([proto_stamp(at(10, 5)), proto_stamp(at(11, 5)), ""]))
RECORD = maybe(
    st.fixed_dictionaries(
        {"name": maybe(NAMES)},
        optional={"startTime": STAMP, "endTime": STAMP, "expireTime": STAMP, "space": JSON},
    )
)
TRANSCRIPT = maybe(
    st.fixed_dictionaries(
        {
            "name": maybe(st.just("conferenceRecords/r0/transcripts/t")),
            "state": maybe(st.sampled_from(["FILE_GENERATED", "ENDED", "STARTED", "NEW"])),
        }
    )
)
PARTICIPANT = maybe(
    st.fixed_dictionaries(
        {"name": maybe(st.just("p1"))},
        optional={
            kind: maybe(st.fixed_dictionaries({"displayName": JSON}))
            for kind in ("signedinUser", "anonymousUser", "phoneUser", "robotUser")
        },
    )
)
ENTRY = maybe(
    st.fixed_dictionaries(
        {"name": maybe(st.sampled_from(["t/entries/1", "t/entries/2"]))},
        optional={
            "participant": maybe(st.just("p1")),
            "text": maybe(st.one_of(st.text(max_size=20), st.just(HUGE))),
            "languageCode": JSON,
            "startTime": maybe(EXTREME_TIMES),
            "endTime": maybe(EXTREME_TIMES),
        },
    )
)


@st.composite
def lookups(draw) -> dict[str, ConferenceLookup]:
    records = draw(st.lists(RECORD, max_size=3))
    fetched = {}
    names = [r.get("name") for r in records if isinstance(r, dict)]
    for name in sorted({name for name in names if isinstance(name, str)}):
        fetched[name] = RecordTranscripts(
            name,
            transcripts=draw(st.lists(TRANSCRIPT, max_size=2)),
            participants=draw(st.lists(PARTICIPANT, max_size=2)),
            entries={"t": draw(st.lists(ENTRY, max_size=4))},
            error=draw(st.sampled_from([None, None, None, "HttpError 500"])),
        )
    window = (at(9), at(14))
    lookup = ConferenceLookup("abc-mnop-xyz", window, records=records, transcripts=fetched)
    lookup.error = draw(st.sampled_from([None, None, None, "HttpError 503"]))
    lookup.unsupported = draw(st.integers(0, 9)) == 0
    return {"abc-mnop-xyz": lookup}


@settings(max_examples=150, deadline=None, database=None)
@given(lookups())
def test_transcript_frames_never_raise_on_arbitrary_json(found):
    now = datetime.now(UTC)
    for lookup in found.values():
        match_records(lookup, meetings_of(MEETINGS), now)
    frames = build_frames(MEETINGS, found, now)
    records = frames[0]
    with duckdb.connect() as conn:
        migrate(conn)
        write_meet_slices(conn, DAY, NEXT_DAY, frames)
        rows = conn.execute(
            "SELECT event_id, transcript_status, transcript, entry_count FROM transcripts"
        ).fetchall()
        assert conn.execute("SELECT count(*) FROM transcript_entries").fetchone()[0] == sum(
            r[3] for r in rows
        )
    assert sorted(r[0] for r in rows) == ["e0", "e1", "e9"]
    for _, status, text, count in rows:
        assert status in STATUSES
        assert (status == "available") or (text == "" and count == 0)
    assert not records["record_name"].duplicated().any()


@pytest.mark.parametrize(
    "when",
    [
        {"dateTime": "0001-01-01T00:00:00+05:00"},
        {"dateTime": "9999-12-31T23:59:59-05:00"},
        {"date": "0001-01-01"},
    ],
)
def test_unrepresentable_instants_are_no_usable_time(when):
    """Year 1 or 9999 shifted across midnight is no instant: the event is skipped, not fatal."""
    zone = ZoneInfo("Asia/Tokyo")  # year 1 there is local mean time, UTC+9:18:59
    assert parse_time(when, zone) == (None, False)
    assert event_row({"id": "e", "start": when}, zone) is None
