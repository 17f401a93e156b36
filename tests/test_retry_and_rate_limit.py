import json
import random
import threading
from datetime import UTC, datetime

import httplib2
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from resources.google_api import (
    GoogleApiClient,
    MeetApiUnavailableError,
    MissingScopeError,
    RequestUsage,
)
from resources.rate_limit import TokenBucket
from resources.retry import RetryPolicy, is_retryable
from resources.settings import CALENDAR_SCOPE, Settings


def http_error(status: int, body: dict) -> HttpError:
    return HttpError(httplib2.Response({"status": status}), json.dumps(body).encode())


def test_retryable_statuses_and_reasons():
    assert is_retryable(http_error(429, {"error": {"status": "RESOURCE_EXHAUSTED"}}))
    for status in (500, 502, 503, 504):
        assert is_retryable(http_error(status, {}))
    rate = {"error": {"errors": [{"reason": "rateLimitExceeded"}], "code": 403}}
    assert is_retryable(http_error(403, rate))
    assert is_retryable(
        http_error(403, {"error": {"errors": [{"reason": "userRateLimitExceeded"}]}})
    )
    assert not is_retryable(http_error(403, {"error": {"status": "PERMISSION_DENIED"}}))
    assert not is_retryable(http_error(400, {}))
    assert not is_retryable(http_error(404, {}))
    assert is_retryable(ConnectionResetError())
    assert not is_retryable(ValueError())


def test_backoff_is_exponential_truncated_and_jittered():
    policy = RetryPolicy(max_attempts=8, base_delay=1.0, max_delay=8.0)
    rng = random.Random(1)
    delays = [policy.delay(n, rng) for n in range(6)]
    for n, delay in enumerate(delays):
        ceiling = min(8.0, 2**n)
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d, 6) for d in delays}) == len(delays)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_token_bucket_never_exceeds_quota_in_a_minute():
    clock = FakeClock()
    bucket = TokenBucket(600, clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(2000):
        bucket.acquire()
        stamps.append(clock.now)
    for i, start in enumerate(stamps):
        in_window = sum(1 for t in stamps[i:] if t < start + 60)
        assert in_window <= 600
        if i > 200:
            break
    assert stamps[-1] > 150  # 2000 requests at 600/min take minutes, not seconds


def test_zero_disables_the_limiter():
    clock = FakeClock()
    bucket = TokenBucket(0, clock=clock, sleep=clock.sleep)
    for _ in range(10_000):
        bucket.acquire()
    assert clock.now == 0


def test_meet_refusals_are_told_apart(connected):
    """A personal account's refusal becomes a status; a missing scope stops the run."""
    settings = Settings.from_env()
    calendar_only = connected.emulator.issue_token(scopes=[CALENDAR_SCOPE])
    client = GoogleApiClient(Credentials(calendar_only), settings.endpoints)
    with pytest.raises(MissingScopeError, match="meetsync connect"):
        client.list_transcripts("conferenceRecords/anything")

    connected.emulator.workspace.meet_api_enabled = False
    client = GoogleApiClient(Credentials(connected.emulator.issue_token()), settings.endpoints)
    with pytest.raises(MeetApiUnavailableError):
        client.list_transcripts("conferenceRecords/anything")


def test_usage_counts_requests_retries_and_quota_waits(connected):
    """Every attempt is a request, every backoff a retry, every limiter sleep a wait; and a
    thread sees the requests it sent itself."""
    connected.emulator.faults.error_rate = 0.3
    connected.emulator.faults.seed = 5
    sleeps: list[float] = []
    client = GoogleApiClient(
        Credentials(connected.emulator.issue_token()),
        Settings.from_env().endpoints,
        meet_per_minute=5,
        retry=RetryPolicy(max_attempts=10, base_delay=0.0),
        sleep=sleeps.append,
    )
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    for _ in range(20):
        assert client.find_conference_records("abc-mnop-xyz", start, end) == []
    usage = client.usage()
    assert usage.requests == connected.emulator.request_counts["meet.conferenceRecords.list"]
    assert usage.retries == usage.requests - 20 > 0
    assert usage.rate_limit_waits == len(sleeps) - usage.retries > 0
    assert client.requests_by_this_thread() == usage.requests
    other: list[int] = []
    worker = threading.Thread(target=lambda: other.append(client.requests_by_this_thread()))
    worker.start()
    worker.join()
    assert other == [0]
    assert usage.since(RequestUsage(5, 1, 2)) == RequestUsage(
        usage.requests - 5, usage.retries - 1, usage.rate_limit_waits - 2
    )


def test_drive_has_its_own_limiter_and_retries_its_quota_errors(connected):
    """MEETSYNC_DRIVE_QPM paces Drive alone; Drive's 403 userRateLimitExceeded and 429 are
    retried, a file's own 403/404 is not."""
    settings = Settings.from_env({"MEETSYNC_DRIVE_QPM": "30"})
    assert (
        settings.drive_requests_per_minute,
        Settings.from_env({}).drive_requests_per_minute,
    ) == (
        30.0,
        1200.0,
    )
    workspace = connected.emulator.workspace
    doc = next(
        f
        for f in workspace.drive_files.values()
        if f.get("_access") == "shared" and f.get("_meet_written") and "_text" in f
    )
    connected.emulator.faults.error_rate = 0.5
    connected.emulator.faults.error_statuses = (403, 429)
    connected.emulator.faults.fail_paths = ("/drive/",)
    sleeps: list[float] = []
    client = GoogleApiClient(
        Credentials(connected.emulator.issue_token()),
        Settings.from_env().endpoints,
        drive_per_minute=settings.drive_requests_per_minute,
        retry=RetryPolicy(max_attempts=20, base_delay=0.0),
        sleep=sleeps.append,
    )
    for _ in range(5):
        assert client.export_doc_text(doc["id"]) == doc["_text"].removeprefix("\ufeff")
    usage = client.usage()
    assert usage.retries > 0 and usage.rate_limit_waits > 0
    assert client.limiters["meet"].per_minute == 600 and client.limiters["drive"].per_minute == 30
    connected.emulator.faults.error_rate = 0.0
    doc["_access"] = "deleted"
    with pytest.raises(HttpError) as gone:
        client.export_doc_text(doc["id"])
    assert gone.value.resp.status == 404
