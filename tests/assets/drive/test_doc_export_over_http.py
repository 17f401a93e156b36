"""What Drive's answers for a transcript Doc mean, over real HTTP to the emulator: each lasting
refusal its own detail (Google's reason and message), transient ones retried then ``failed``,
and a disabled Drive API stopping the run before anything is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from assets.drive.doc_export import DRIVE_DETAIL_PREFIX, export
from emulator import FaultConfig
from emulator.apis.drive_api import DOMAIN_POLICY, TOO_LARGE
from emulator.data.meet_docs import DELETED, DOC_MIME_TYPE, NOT_SHARED, SHARED
from google_client import ServiceDisabledError
from pipelines.loggers import setup_error_message
from tests.helpers import google_client, materialize_range, snapshot

OLD = datetime.now(UTC) - timedelta(days=32)  # Meet no longer keeps meetings before this


def a_shared_doc(ws) -> dict:
    return next(
        f
        for f in ws.drive_files.values()
        if f.get("_access") == SHARED
        and f.get("mimeType") == DOC_MIME_TYPE
        and f.get("_meet_written")
    )


# (what the emulator makes of the Doc, the problem, words the detail must hold)
REFUSALS = [
    (DELETED, "notFound", ["Drive 404 notFound", "no read access", "or it does not exist"]),
    # Drive answers a Doc the account may not read as one that does not exist
    (NOT_SHARED, "notFound", ["Drive 404 notFound", "no read access", "share it"]),
    (TOO_LARGE, "exportSizeLimitExceeded", ["Drive 403", "larger than Drive exports (10 MB)"]),
    (DOMAIN_POLICY, "domainPolicy", ["Drive 403 domainPolicy", "organisation's policy"]),
]


@pytest.mark.parametrize(("access", "problem", "words"), REFUSALS)
def test_each_lasting_refusal_says_what_google_said(connected, workspace, access, problem, words):
    doc = a_shared_doc(workspace)
    doc["_access"] = access
    with google_client() as google:
        fetched = export(google, doc["id"])
    assert (fetched.text, fetched.problem) == (None, problem)
    assert all(w in fetched.detail for w in words), fetched.detail
    assert "\n" not in fetched.detail and fetched.detail.startswith(DRIVE_DETAIL_PREFIX)
    assert "Google: " in fetched.detail  # Google's own message, quoted
    assert "deleted" not in fetched.detail and "was deleted" not in fetched.detail


def test_a_file_that_is_not_a_doc_is_not_exportable(connected, workspace):
    doc = a_shared_doc(workspace)
    doc["mimeType"] = "text/plain"
    with google_client() as google:
        fetched = export(google, doc["id"])
    assert fetched.problem == "fileNotExportable"
    assert "is not a Google Doc" in fetched.detail and doc["id"] in fetched.detail


def test_transient_errors_are_retried_and_only_then_failed(connected, workspace):
    doc = a_shared_doc(workspace)
    emulator = connected.emulator
    emulator.faults = FaultConfig(error_rate=1.0, error_statuses=(403,), fail_paths=("/drive/",))
    emulator.reset_counts()
    with google_client(retry_attempts=3, retry_base_seconds=0.01) as google:
        fetched = export(google, doc["id"])
    assert emulator.request_counts["drive.files.export"] == 3  # userRateLimitExceeded: retried
    assert fetched.problem == "failed" and "userRateLimitExceeded" in fetched.detail
    emulator.faults = FaultConfig(error_rate=0.5, error_statuses=(503,), seed=1)
    with google_client(retry_attempts=8, retry_base_seconds=0.01) as google:
        assert export(google, doc["id"]).text == doc["_text"].removeprefix("\ufeff")


def test_a_disabled_drive_api_is_a_setup_error_not_a_failed_doc(connected, workspace):
    doc = a_shared_doc(workspace)
    connected.emulator.disable_api("drive")
    with google_client() as google, pytest.raises(ServiceDisabledError) as raised:
        export(google, doc["id"])
    assert str(raised.value).startswith("Google Drive API has not been used in project")


def old_meetings_with_docs(ws, count: int) -> list[dict]:
    found = [
        e
        for e in ws.events
        if "dateTime" in e["end"]
        and datetime.fromisoformat(e["end"]["dateTime"]) < OLD
        and docs_of(ws, e["id"])
    ]
    assert len(found) >= count
    return found[:count]


def docs_of(ws, event_id: str) -> list[dict]:
    return [
        ws.drive_files[t["docsDestination"]["document"]]
        for record in ws.event_records.get(event_id, [])
        for t in ws.transcripts.get(record, [])
        if t["state"] == "FILE_GENERATED"
    ]


def start_day(event: dict):
    return datetime.fromisoformat(event["start"]["dateTime"]).date()


def stored(env, event_id: str) -> tuple:
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        return conn.execute(
            "SELECT transcript_status, status_detail FROM transcripts WHERE event_id = ?",
            [event_id],
        ).fetchone()


def test_404_too_large_and_domain_policy_each_give_their_own_detail(connected_factory):
    env, ws = connected_factory(days=40, meetings_per_day=2, long_transcript_entries=40)
    cases = {
        DELETED: "404 notFound",
        TOO_LARGE: "exportSizeLimitExceeded",
        DOMAIN_POLICY: "domainPolicy",
    }
    events = dict(zip(cases, old_meetings_with_docs(ws, len(cases)), strict=True))
    for access, event in events.items():
        for doc in docs_of(ws, event["id"]):
            doc["_access"] = access
    days = sorted(start_day(e) for e in events.values())
    assert materialize_range(days[0], days[-1]).success
    details = set()
    for access, event in events.items():
        status, detail = stored(env, event["id"])
        assert status == "expired", (access, detail)
        assert cases[access] in detail, (access, detail)
        assert detail.startswith(DRIVE_DETAIL_PREFIX), detail
        details.add(detail)
    assert len(details) == len(cases)


def test_a_disabled_drive_api_stops_the_run_in_one_line_and_changes_nothing(connected_factory):
    env, ws = connected_factory(days=40, meetings_per_day=2, long_transcript_entries=40)
    (event,) = old_meetings_with_docs(ws, 1)
    day = start_day(event)
    assert materialize_range(day, day).success
    before = snapshot(env.duckdb_path)
    event["summary"] = "Renamed since the last import"  # what a run that wrote would change
    env.emulator.disable_api("drive")
    result = materialize_range(day, day, raise_on_error=False)
    assert not result.success
    lines = {
        setup_error_message(event.event_specific_data.error)
        for event in result.all_events
        if event.is_failure and getattr(event.event_specific_data, "error", None)
    } - {None}
    (line,) = lines
    assert "\n" not in line and line.startswith("Google Drive API has not been used in project")
    assert "https://console.developers.google.com/apis/api/drive.googleapis.com/overview" in line
    assert snapshot(env.duckdb_path) == before
