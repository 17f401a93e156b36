"""Fault injection, latency, request counting, concurrency, partial-response parsing, CLI."""

from __future__ import annotations

import json
import threading
import time

import pytest
from googleapiclient.errors import HttpError
from hypothesis import given
from hypothesis import strategies as st

from emulator import Emulator, FaultConfig, QuotaConfig, Workspace, generate_workspace
from emulator.cli import serve
from emulator.wire.fields import FieldsSyntaxError, apply_fields, parse_fields
from google_client import error_reasons, is_retryable
from tests.helpers import FIXED_END_DATE, FIXED_NOW, api_get, calendar_service, http, meet_service

CALENDAR_429 = {
    "error": {
        "errors": [
            {
                "domain": "usageLimits",
                "reason": "rateLimitExceeded",
                "message": "Rate Limit Exceeded",
            }
        ],
        "code": 429,
        "message": "Rate Limit Exceeded",
    }
}
MEET_429 = {
    "error": {
        "code": 429,
        "message": "Resource has been exhausted (e.g. check quota).",
        "status": "RESOURCE_EXHAUSTED",
    }
}


MEET_QUOTA_429 = {
    "error": {
        "code": 429,
        "message": "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
        "minute per user' of service 'meet.googleapis.com' for consumer "
        "'project_number:731846204752'.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "meet.googleapis.com",
                    "consumer": "projects/731846204752",
                    "quota_metric": "meet.googleapis.com/read_requests",
                    "quota_limit": "ReadRequestsPerMinutePerUser",
                    "quota_location": "global",
                    "quota_limit_value": "3",
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Request a higher quota limit.",
                        "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                    }
                ],
            },
        ],
    }
}
CALENDAR_PATH = "/calendar/v3/calendars/primary/events?maxResults=1"
MEET_PATH = "/v2/conferenceRecords?pageSize=1"


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return generate_workspace(
        seed=4,
        end_date=FIXED_END_DATE,
        days=7,
        meetings_per_day=5,
        now=FIXED_NOW,
        long_transcript_entries=100,
    )


def _statuses(emulator: Emulator, token: str, path: str, n: int) -> list[int]:
    return [api_get(emulator.url, path, token)[0] for _ in range(n)]


def test_error_rate_is_roughly_honoured_and_counted(workspace: Workspace) -> None:
    faults = FaultConfig(error_rate=0.3, error_statuses=(429, 503), seed=1)
    with Emulator(workspace, faults=faults) as emulator:
        token = emulator.issue_token()
        statuses = _statuses(
            emulator, token, "/calendar/v3/calendars/primary/events?maxResults=1", 400
        )
        failed = [s for s in statuses if s != 200]
        assert 80 <= len(failed) <= 160
        assert set(failed) <= {429, 503} and len(set(failed)) == 2
        assert emulator.request_counts["calendar.events.list"] == 400
        assert emulator.total_api_requests() == 400
        emulator.reset_counts()
        assert emulator.total_api_requests() == 0


def test_faults_are_deterministic_per_seed(workspace: Workspace) -> None:
    runs = []
    for _ in range(2):
        with Emulator(workspace, faults=FaultConfig(error_rate=0.5, seed=42)) as emulator:
            runs.append(
                _statuses(emulator, emulator.issue_token(), "/calendar/v3/calendars/primary", 40)
            )
    assert runs[0] == runs[1]


def test_fault_bodies_are_googles(workspace: Workspace) -> None:
    faults = FaultConfig(error_rate=1.0, error_statuses=(429,))
    with Emulator(workspace, faults=faults) as emulator:
        token = emulator.issue_token()
        assert api_get(emulator.url, "/calendar/v3/calendars/primary", token)[1:][1] == CALENDAR_429
        assert api_get(emulator.url, "/v2/conferenceRecords", token)[2] == MEET_429
        emulator.faults.error_statuses = (503,)
        status, _, body = api_get(emulator.url, "/v2/conferenceRecords", token)
        assert status == 503 and body["error"]["status"] == "UNAVAILABLE"
        status, _, body = api_get(emulator.url, "/calendar/v3/calendars/primary", token)
        assert status == 503 and body["error"]["errors"][0]["reason"] == "backendError"


def test_fail_paths_and_oauth_are_spared(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = FaultConfig(error_rate=1.0, fail_paths=("/v2/",))
    with Emulator(workspace, faults=faults) as emulator:
        token = emulator.issue_token()
        assert api_get(emulator.url, "/calendar/v3/calendars/primary", token)[0] == 200
        assert api_get(emulator.url, "/v2/conferenceRecords", token)[0] in (429, 503)
        status, _, _ = http("POST", emulator.url + "/revoke", data=b"token=" + token.encode())
        assert status == 200
        emulator.faults.fail_paths = None
        emulator.faults.include_oauth = True
        status, _, _ = http("POST", emulator.url + "/revoke", data=b"token=x")
        assert status in (429, 503)
        assert emulator.request_counts["oauth.revoke"] == 2


def test_client_library_retries_through_faults(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("googleapiclient.http.time.sleep", lambda seconds: None)
    faults = FaultConfig(error_rate=0.5, error_statuses=(503,), seed=3)
    with Emulator(workspace, faults=faults) as emulator:
        service = meet_service(emulator.url, emulator.issue_token())
        for _ in range(5):
            service.conferenceRecords().list(pageSize=5).execute(num_retries=20)
        assert emulator.request_counts["meet.conferenceRecords.list"] > 5
        emulator.faults.error_rate = 1.0
        with pytest.raises(HttpError) as info:
            service.conferenceRecords().list().execute()
        assert info.value.status_code == 503


def test_quota_per_user_per_minute_answers_googles_429(workspace: Workspace) -> None:
    with Emulator(workspace, quota=QuotaConfig(requests_per_minute=3)) as emulator:
        token = emulator.issue_token()
        assert _statuses(emulator, token, CALENDAR_PATH, 3) == [200] * 3
        assert api_get(emulator.url, CALENDAR_PATH, token)[::2] == (429, CALENDAR_429)
        # each API has its own quota
        assert _statuses(emulator, token, MEET_PATH, 3) == [200] * 3
        assert api_get(emulator.url, MEET_PATH, token)[::2] == (429, MEET_QUOTA_429)
        assert emulator.quota.rejected == {
            "calendar.events.list": 1,
            "meet.conferenceRecords.list": 1,
        }
        assert emulator.quota.total_rejected() == 2
        # unauthenticated requests are refused before the quota counts them
        assert api_get(emulator.url, MEET_PATH, None)[0] == 401
        assert emulator.total_api_requests() == 9


def test_quota_window_slides_and_refusals_do_not_count(workspace: Workspace) -> None:
    quota = QuotaConfig(requests_per_minute=2, window_seconds=0.5)
    with Emulator(workspace, quota=quota) as emulator:
        token = emulator.issue_token()
        assert _statuses(emulator, token, MEET_PATH, 4) == [200, 200, 429, 429]
        time.sleep(0.6)  # both admitted requests have left the window; the refusals never counted
        assert _statuses(emulator, token, MEET_PATH, 3) == [200, 200, 429]
        emulator.quota = QuotaConfig()  # no quota: changed while it runs
        assert _statuses(emulator, token, MEET_PATH, 5) == [200] * 5


def test_the_client_library_sees_a_retryable_quota_error(workspace: Workspace) -> None:
    with Emulator(workspace, quota=QuotaConfig(requests_per_minute=1)) as emulator:
        meet = meet_service(emulator.url, emulator.issue_token())
        meet.conferenceRecords().list(pageSize=1).execute()
        with pytest.raises(HttpError) as info:
            meet.conferenceRecords().list(pageSize=1).execute()
        assert info.value.status_code == 429
        assert is_retryable(info.value)
        assert {"RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED"} <= error_reasons(info.value)


def test_latency_applies(workspace: Workspace) -> None:
    with Emulator(workspace, faults=FaultConfig(latency_seconds=0.05)) as emulator:
        began = time.perf_counter()
        api_get(emulator.url, "/calendar/v3/calendars/primary", emulator.issue_token())
        assert time.perf_counter() - began >= 0.05


def test_concurrent_clients(workspace: Workspace) -> None:
    with Emulator(workspace, faults=FaultConfig(latency_seconds=0.01)) as emulator:
        token = emulator.issue_token()
        results: list[int] = []
        lock = threading.Lock()

        def work() -> None:
            service = calendar_service(emulator.url, token)
            for _ in range(10):
                page = service.events().list(calendarId="primary", maxResults=5).execute()
                with lock:
                    results.append(len(page["items"]))

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [5] * 80
        assert emulator.request_counts["calendar.events.list"] == 80


def test_mutating_the_workspace_while_running_is_seen() -> None:
    workspace = Workspace(now=FIXED_NOW)
    with Emulator(workspace) as emulator:
        service = calendar_service(emulator.url, emulator.issue_token())
        assert service.events().list(calendarId="primary").execute()["items"] == []
        workspace.new_event("Later", FIXED_NOW, FIXED_NOW.replace(hour=FIXED_NOW.hour + 1))
        assert len(service.events().list(calendarId="primary").execute()["items"]) == 1


def test_fields_parser() -> None:
    tree = parse_fields("nextPageToken,items(id,start/dateTime,attendees(email)),*/x")
    assert tree == {
        "nextPageToken": None,
        "items": {"id": None, "start": {"dateTime": None}, "attendees": {"email": None}},
        "*": {"x": None},
    }
    value = {"items": [{"id": 1, "start": {"dateTime": "d", "timeZone": "z"}, "other": 2}]}
    assert apply_fields(value, parse_fields("items(id,start/dateTime)")) == {
        "items": [{"id": 1, "start": {"dateTime": "d"}}]
    }
    assert apply_fields(value, parse_fields("*")) == value
    for bad in ("", "items(", "items)", "a,,b", "a/", "(a)", "a b"):
        with pytest.raises(FieldsSyntaxError):
            parse_fields(bad)


_names = st.sampled_from(["id", "items", "start", "dateTime", "email", "*"])
_trees = st.recursive(
    st.none(), lambda inner: st.dictionaries(_names, inner, min_size=1, max_size=3), max_leaves=8
)


def _render(tree: dict) -> str:
    return ",".join(k if v is None else f"{k}({_render(v)})" for k, v in tree.items())


@given(st.dictionaries(_names, _trees, min_size=1, max_size=4))
def test_fields_round_trip(tree: dict) -> None:
    assert parse_fields(_render(tree)) == tree


def test_cli_refuses_non_loopback_hosts() -> None:
    with pytest.raises(SystemExit, match="loopback"):
        serve("0.0.0.0", 0, 1, 1, 1, "UTC", 0.0, 0.0)
    with pytest.raises(ValueError):
        Emulator(Workspace(), host="0.0.0.0")


def test_a_disabled_api_answers_service_disabled(workspace: Workspace) -> None:
    with Emulator(workspace) as emulator:
        token = emulator.issue_token()
        emulator.disable_api("meet")
        status, _, body = api_get(emulator.url, "/v2/conferenceRecords", token)
        assert status == 403
        error = body["error"]
        assert (error["code"], error["status"]) == (403, "PERMISSION_DENIED")
        info, localized, help_links = error["details"]
        assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
        assert (info["reason"], info["domain"]) == ("SERVICE_DISABLED", "googleapis.com")
        metadata = info["metadata"]
        assert metadata["service"] == "meet.googleapis.com"
        assert metadata["consumer"] == f"projects/{metadata['containerInfo']}"
        url = metadata["activationUrl"]
        assert url.startswith("https://console.developers.google.com/apis/api/meet.googleapis")
        assert url in error["message"] and error["message"].startswith("Google Meet REST API")
        assert localized["message"] == error["message"]
        assert help_links["links"][0]["url"] == url
        assert api_get(emulator.url, "/calendar/v3/calendars/primary", token)[0] == 200

        emulator.disable_api("calendar")
        with pytest.raises(HttpError) as info_error:
            calendar_service(emulator.url, token).calendars().get(calendarId="primary").execute()
        assert info_error.value.status_code == 403
        body = json.loads(info_error.value.content)["error"]
        assert body["errors"][0]["reason"] == "accessNotConfigured"
        assert body["errors"][0]["domain"] == "usageLimits"
        assert body["details"][0]["metadata"]["service"] == "calendar-json.googleapis.com"
        status, _, body = api_get(emulator.url, "/calendar/v3/calendars/primary", None)
        assert status == 401  # the token is checked first

        emulator.enable_api("meet")
        emulator.enable_api("calendar")
        assert api_get(emulator.url, "/v2/conferenceRecords", token)[0] == 200
