"""A real Google account's first day, against the emulator over real HTTP: granular consent,
a refresh token from every connect, disabled APIs, rooms among the attendees, transcripts
that are not final yet, and failures that say what to do next."""

from __future__ import annotations

import subprocess
import sys
import webbrowser
from datetime import date, timedelta

import duckdb
import pytest

from cli.backfill import materialize_command
from emulator.data import corpus
from emulator.data.account import meet_code_of
from google_client import (
    CALENDAR_SCOPE,
    DRIVE_MEET_SCOPE,
    MEET_SCOPE,
    ConnectError,
    ServiceDisabledError,
    TokenStore,
    connect,
    connection_status,
)
from pipelines.jobs import recheck_transcripts
from pipelines.loggers import setup_error_message
from pipelines.schedules import RecheckWindows, recheck_requests
from settings import Settings
from tests.helpers import PROJECT_ROOT, TODAY, YESTERDAY, cli_env, http, materialize_range, snapshot

FIRST = YESTERDAY - timedelta(days=9)
ROOM_DOMAIN = "@" + corpus.ROOM_DOMAIN
CALENDAR_ONLY = (
    " (calendar only: transcripts not permitted; transcripts older than 30 days need Drive "
    "access; run meetsync connect to grant Meet access and Drive access)"
)


def query(env, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def connect_now(browser: str):
    return connect(Settings.from_env(), open_browser=True, browser=browser, timeout_seconds=30)


def start_day(event: dict) -> date:
    start = event["start"]
    return date.fromisoformat(str(start.get("dateTime") or start.get("date"))[:10])


def meet_events(ws, first: date, last: date) -> list[dict]:
    """The live Google Meet events starting in [first, last]."""
    return [
        e
        for e in ws.events
        if meet_code_of(e) and e.get("status") != "cancelled" and first <= start_day(e) <= last
    ]


def cli_connect(*args: str) -> tuple[int, str, str]:
    """`meetsync connect --no-browser`, with this test as the browser on this machine."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "connect", "--no-browser", "--timeout", "30", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    said = []
    for line in process.stdout:
        said.append(line)
        if line.startswith("http"):
            status, headers, _ = http("GET", line.strip())
            assert status == 302
            http("GET", headers["Location"])  # Google sends the browser to meetsync's port
            break
    out, err = process.communicate(timeout=30)
    return process.returncode, "".join(said) + out, err


# ----- 1. granular consent -------------------------------------------------------------------
def test_consent_without_meet_keeps_a_calendar_only_connection(environment, consent_browser):
    environment.emulator.untick_at_consent(MEET_SCOPE, DRIVE_MEET_SCOPE)
    connection = connect_now(consent_browser)
    email = environment.emulator.workspace.account_email
    assert connection.scopes == (CALENDAR_SCOPE,)
    assert TokenStore(environment.home).load().scopes == (CALENDAR_SCOPE,)
    assert str(connection_status(Settings.from_env())) == f"Active {email}{CALENDAR_ONLY}"
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "status"], capture_output=True, text=True
    )
    assert (run.returncode, run.stdout.strip()) == (0, f"Active {email}{CALENDAR_ONLY}")


def test_consent_without_calendar_fails_in_one_line_and_stores_nothing(environment):
    environment.emulator.untick_at_consent(CALENDAR_SCOPE)
    code, out, err = cli_connect()
    assert code == 2, out + err
    assert err.splitlines() == [
        "meetsync: Google did not grant Calendar access "
        f"({CALENDAR_SCOPE}), which meetsync needs: run meetsync connect again and leave it "
        "ticked on Google's consent page"
    ]
    assert TokenStore(environment.home).load() is None
    assert not environment.home.joinpath("connection.json").exists()


def test_consent_with_nothing_ticked_is_denied_in_one_line(environment, consent_browser):
    environment.emulator.untick_at_consent(CALENDAR_SCOPE, MEET_SCOPE, DRIVE_MEET_SCOPE)
    with pytest.raises(ConnectError, match=r"^Access was denied .*run meetsync connect"):
        connect_now(consent_browser)
    assert TokenStore(environment.home).load() is None


def test_a_run_without_meet_access_imports_meetings_as_not_permitted(
    environment, consent_browser, workspace
):
    environment.emulator.untick_at_consent(MEET_SCOPE)
    connect_now(consent_browser)
    environment.emulator.reset_counts()
    assert materialize_range(FIRST, YESTERDAY).success
    counts = environment.emulator.request_counts
    assert {k: n for k, n in counts.items() if k.startswith("meet.")} == {}
    assert counts["calendar.events.list"] >= 1
    expected = sorted(e["id"] for e in meet_events(workspace, FIRST, YESTERDAY))
    rows = query(environment, "SELECT event_id, transcript_status, transcript FROM meetings")
    assert sorted(r[0] for r in rows) == expected
    assert {(r[1], r[2]) for r in rows} == {("not_permitted", "")}
    detail = query(environment, "SELECT DISTINCT status_detail FROM transcripts")
    assert detail == [("The connection has no Meet access: run meetsync connect to grant it",)]
    stats = query(environment, "SELECT sum(not_permitted), sum(meetings) FROM daily_meeting_stats")
    assert stats == [(len(expected), len(expected))]


# ----- 2. a refresh token from every connect -------------------------------------------------
def test_connect_without_the_stored_connection_still_gets_a_refresh_token(
    connected, consent_browser
):
    """Google remembers the earlier grant; the store is empty (a new machine, a new
    MEETSYNC_HOME, a lost file): without prompt=consent Google would send no refresh token."""
    store = TokenStore(connected.home)
    first = store.load().refresh_token
    assert store.delete()
    connection = connect_now(consent_browser)
    assert connection.refresh_token and connection.refresh_token != first
    assert store.load().refresh_token == connection.refresh_token
    assert "prompt=consent" in webbrowser.get(consent_browser).opened[-1]


# ----- 3. a disabled API is a setup error ----------------------------------------------------
def setup_error_of(result) -> str:
    """The one setup-error message of a failed run."""
    found = {
        setup_error_message(event.event_specific_data.error)
        for event in result.all_events
        if event.is_failure and getattr(event.event_specific_data, "error", None)
    }
    found.discard(None)
    assert len(found) == 1, found
    return found.pop()


@pytest.mark.parametrize(
    ("api", "title", "service"),
    [
        ("meet", "Google Meet REST API", "meet.googleapis.com"),
        ("calendar", "Google Calendar API", "calendar-json.googleapis.com"),
    ],
)
def test_a_disabled_api_stops_the_run_in_one_line_and_writes_nothing(
    connected, workspace, api, title, service
):
    assert materialize_range(FIRST, YESTERDAY).success
    before = snapshot(connected.duckdb_path)
    # What a run would change if it wrote anything: a renamed event, revised transcripts.
    meet_events(workspace, FIRST, YESTERDAY)[0]["summary"] = "Renamed since the last import"
    for entries in workspace.entries.values():
        for entry in entries:
            entry["text"] = entry.get("text", "") + " (revised)"
    connected.emulator.disable_api(api)
    result = materialize_range(FIRST, YESTERDAY, raise_on_error=False)
    assert not result.success
    line = setup_error_of(result)
    assert "\n" not in line
    assert line.startswith(f"{title} has not been used in project")
    assert f"https://console.developers.google.com/apis/api/{service}/overview?project=" in line
    assert snapshot(connected.duckdb_path) == before


def test_a_first_run_with_meet_disabled_creates_no_table(connected):
    connected.emulator.disable_api("meet")
    assert not materialize_range(YESTERDAY, YESTERDAY, raise_on_error=False).success
    if connected.duckdb_path.exists():
        assert query(connected, "SELECT table_name FROM information_schema.tables") == []


def test_connect_with_the_calendar_api_disabled_says_how_to_enable_it(environment, consent_browser):
    environment.emulator.disable_api("calendar")
    with pytest.raises(ServiceDisabledError, match=r"^Google Calendar API has not been used"):
        connect_now(consent_browser)
    assert TokenStore(environment.home).load() is None


def test_an_account_meet_refuses_is_unsupported_and_heals_when_rechecked(connected, workspace):
    day = YESTERDAY - timedelta(days=1)  # inside the re-check window
    workspace.meet_api_enabled = False  # e.g. a personal Gmail account
    assert materialize_range(day, day).success
    assert {r[0] for r in query(connected, "SELECT transcript_status FROM transcripts")} == {
        "unsupported"
    }
    requests = recheck_requests(str(connected.duckdb_path), TODAY, RecheckWindows(3, 0))
    assert [r.partition_key for r in requests] == [day.isoformat()]
    workspace.meet_api_enabled = True  # the account was fixed
    assert materialize_range(day, day, selection=recheck_transcripts.selection).success
    statuses = {r[0] for r in query(connected, "SELECT transcript_status FROM transcripts")}
    assert "unsupported" not in statuses and "available" in statuses


# ----- 4. rooms are not people ---------------------------------------------------------------
def test_rooms_are_kept_apart_and_partners_count_who_did_not_decline(connected, workspace):
    assert materialize_range(FIRST, YESTERDAY).success
    events = {e["id"]: e for e in meet_events(workspace, FIRST, YESTERDAY)}
    listed = {
        event_id: [a for a in event.get("attendees", []) if a.get("email")]
        for event_id, event in events.items()
    }
    rows = query(connected, "SELECT event_id, attendees, rooms FROM meetings")
    assert sorted(r[0] for r in rows) == sorted(events)
    for event_id, attendees, rooms in rows:
        assert rooms == [a["email"] for a in listed[event_id] if a.get("resource")]
        assert attendees == [a["email"] for a in listed[event_id] if not a.get("resource")]
    assert any(rooms for _, _, rooms in rows), "the workspace books rooms"
    assert query(
        connected,
        "SELECT count(*) FROM calendar_events, unnest(attendees) AS a(email) WHERE email LIKE ?",
        ["%" + ROOM_DOMAIN],
    ) == [(0,)]

    answers = query(
        connected,
        "SELECT event_id, attendee_email, response_status, is_optional FROM meeting_attendees",
    )
    assert sorted(answers) == sorted(
        (event_id, a["email"], a["responseStatus"], a.get("optional", False))
        for event_id, attendees in listed.items()
        for a in attendees
        if not a.get("resource")
    )
    assert not [a for a in answers if a[1].endswith(ROOM_DOMAIN)]

    partners: dict[str, tuple[set, set]] = {}
    for event_id, attendees in listed.items():
        for a in attendees:
            domain = a["email"].split("@")[1]
            if domain in corpus.PARTNER_DOMAINS and a["responseStatus"] != "declined":
                meetings, emails = partners.setdefault(domain, (set(), set()))
                meetings.add(event_id)
                emails.add(a["email"].lower())
    summary = query(
        connected, "SELECT partner_domain, meetings, attendees FROM partner_meeting_summary"
    )
    assert summary and {s[0]: s[1:] for s in summary} == {
        domain: (len(meetings), len(emails)) for domain, (meetings, emails) in partners.items()
    }


# ----- 5. ENDED is not final -----------------------------------------------------------------
def ended_then_generated_meeting(ws, day: date) -> tuple[str, list[dict]]:
    """A meeting of ``day`` with FILE_GENERATED transcripts, and those transcripts."""
    for event in meet_events(ws, day, day):
        records = ws.event_records.get(event["id"], [])
        transcripts = [t for r in records for t in ws.transcripts.get(r, [])]
        if transcripts and all(
            t["state"] == "FILE_GENERATED" and ws.entries[t["name"]] for t in transcripts
        ):
            return event["id"], transcripts
    raise AssertionError(f"no meeting with a generated transcript on {day}")


def test_an_ended_transcript_is_fetched_again_until_its_file_is_generated(connected, workspace):
    day = YESTERDAY - timedelta(days=1)  # inside the re-check window
    event_id, transcripts = ended_then_generated_meeting(workspace, day)
    for transcript in transcripts:
        transcript["state"] = "ENDED"  # the session ended; Meet has not written the file yet
        del transcript["docsDestination"]
    assert materialize_range(day, day).success
    sql = "SELECT transcript_status, transcript_final, transcript FROM transcripts WHERE event_id=?"
    ((status, final, text),) = query(connected, sql, [event_id])
    assert (status, final) == ("available", False) and text
    requests = recheck_requests(str(connected.duckdb_path), TODAY, RecheckWindows(3, 0))
    assert day.isoformat() in [r.partition_key for r in requests]

    for transcript in transcripts:
        transcript["state"] = "FILE_GENERATED"
        for entry in workspace.entries[transcript["name"]]:
            entry["text"] += " (as generated)"
    assert materialize_range(day, day, selection=recheck_transcripts.selection).success
    ((status, final, newer),) = query(connected, sql, [event_id])
    assert (status, final) == ("available", True)
    assert newer != text and newer.count("(as generated)") == len(newer.splitlines())


# ----- 7. failures say what to do next -------------------------------------------------------
def test_connect_that_gets_no_answer_says_to_connect_again(environment):
    with pytest.raises(ConnectError) as error:
        connect(Settings.from_env(), open_browser=False, timeout_seconds=1)
    assert str(error.value) == (
        "No answer from Google's consent page in 1 second: run meetsync connect"
    )


def test_dagster_cli_runs_fail_with_meetsyncs_one_line(connected, tmp_path):
    """`dagster asset materialize` without an OAuth client, without a connection, or with the
    Meet API disabled: one line that says what to do, not a stack trace."""
    env = cli_env(tmp_path)
    without_client = {k: v for k, v in env.items() if k != "GOOGLE_CLIENT_ID"}
    elsewhere = {**env, "MEETSYNC_HOME": str(tmp_path / "another-home")}
    cases = [
        (without_client, "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set"),
        (elsewhere, "No Google connection: run meetsync connect"),
        (env, "Google Meet REST API has not been used in project"),
    ]
    connected.emulator.disable_api("meet")
    for case_env, expected in cases:
        done = subprocess.run(
            materialize_command(YESTERDAY, YESTERDAY),
            env=case_env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        output = done.stdout + done.stderr
        said = [line for line in output.splitlines() if "meetsync: " in line]
        assert done.returncode != 0, output[-2000:]
        assert len(said) == 1 and expected in said[0], output[-3000:]
        assert "Traceback" not in output and "Stack Trace" not in output, output[-3000:]
    assert not connected.duckdb_path.exists()
