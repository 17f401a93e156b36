import bisect
import json
import random
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

import httplib2
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError
from hypothesis import given, settings
from hypothesis import strategies as st

from google_client import (
    CALENDAR_SCOPE,
    ClientLimits,
    GoogleClient,
    GoogleEndpoints,
    MeetApiUnavailableError,
    MissingScopeError,
    RequestUsage,
)
from google_client.rate_limit import ARRIVAL_MARGIN_SECONDS, TokenBucket
from google_client.retry import MAX_DELAY_SECONDS, RetryPolicy, is_retryable
from settings import Settings

WINDOW = 60.0  # Google's minute


def client_of(token: str, sleep=time.sleep, **settings_changes) -> GoogleClient:
    """A client of ``token`` at the current endpoint, limits as the settings' defaults with
    ``settings_changes``."""
    endpoint = Settings.from_env().api_endpoint
    limits = ClientLimits.of(replace(Settings(), **settings_changes))
    return GoogleClient(
        Credentials(token), GoogleEndpoints.for_endpoint(endpoint), limits, sleep=sleep
    )


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
    policy = RetryPolicy(max_attempts=8, base_delay=1.0)
    rng = random.Random(1)
    delays = [policy.delay(n, rng) for n in range(8)]
    assert max(delays) <= MAX_DELAY_SECONDS < 2**7
    for n, delay in enumerate(delays):
        ceiling = min(MAX_DELAY_SECONDS, 2**n)
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d, 6) for d in delays}) == len(delays)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _send(
    bucket: TokenBucket, clock: FakeClock, gaps: list[float], asked: list[float] | None = None
) -> list[float]:
    """When each request went, one caller after the other, each asking ``gaps`` seconds
    after the previous one went (appended to ``asked``: when each one asked)."""
    sent = []
    for gap in gaps:
        clock.now += gap
        if asked is not None:
            asked.append(clock.now)
        bucket.acquire()
        sent.append(clock.now)
    return sent


def _most_in_a_window(sent: list[float], window: float) -> int:
    """The most requests that went in any half-open window of ``window`` seconds."""
    return max(bisect.bisect_left(sent, start + window) - i for i, start in enumerate(sent))


def test_a_run_under_the_quota_is_never_slowed():
    clock = FakeClock()
    bucket = TokenBucket(600, clock=clock, sleep=clock.sleep, window_seconds=WINDOW)
    assert _send(bucket, clock, [0.0] * 600) == [0.0] * 600  # the whole minute's quota at once


def test_one_more_than_the_quota_waits_for_the_first_to_leave_the_window():
    clock = FakeClock()
    bucket = TokenBucket(600, clock=clock, sleep=clock.sleep, window_seconds=WINDOW)
    sent = _send(bucket, clock, [0.0] * 1800)
    assert sent[599] == 0.0
    assert sent[600] == 60.0 + ARRIVAL_MARGIN_SECONDS  # the earliest Google accepts it
    assert sent[1799] == 2 * (60.0 + ARRIVAL_MARGIN_SECONDS)  # 1,800 requests: three windows
    assert _most_in_a_window(sent, 60.0) == 600


@settings(max_examples=60, deadline=None)
@given(
    per_minute=st.integers(min_value=1, max_value=50),
    gaps=st.lists(st.floats(min_value=0, max_value=20), min_size=1, max_size=300),
)
def test_never_more_than_the_quota_in_any_rolling_minute(per_minute, gaps):
    clock = FakeClock()
    bucket = TokenBucket(per_minute, clock=clock, sleep=clock.sleep, window_seconds=WINDOW)
    asked: list[float] = []
    sent = _send(bucket, clock, gaps, asked)
    assert _most_in_a_window(sent, 60.0 + ARRIVAL_MARGIN_SECONDS) <= per_minute
    # and it waits only when it must: a request goes when asked, or when the quota's
    # oldest request of the window ends it, never later
    for i, (went, wanted) in enumerate(zip(sent, asked, strict=True)):
        if went > wanted + 1e-9:
            assert i >= per_minute
            earliest = sent[i - per_minute] + 60.0 + ARRIVAL_MARGIN_SECONDS
            assert went == pytest.approx(max(asked[i], earliest))


def test_threads_share_one_quota():
    waits: list[float] = []  # list.append is atomic: the sleeps of every thread
    bucket = TokenBucket(100, clock=time.monotonic, sleep=waits.append, window_seconds=WINDOW)

    def worker():
        for _ in range(50):
            bucket.acquire()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 200 requests from 4 threads against one quota of 100: the first 100 go at once, the
    # other 100 each wait for their turn in the next window
    assert len(waits) == 100
    assert all(0 < wait <= 60.0 + ARRIVAL_MARGIN_SECONDS for wait in waits)


def test_zero_disables_the_limiter():
    clock = FakeClock()
    bucket = TokenBucket(0, clock=clock, sleep=clock.sleep, window_seconds=WINDOW)
    for _ in range(10_000):
        bucket.acquire()
    assert clock.now == 0


def test_meet_refusals_are_told_apart(connected):
    """A personal account's refusal becomes a status; a missing scope stops the run."""
    calendar_only = connected.emulator.issue_token(scopes=[CALENDAR_SCOPE])
    client = client_of(calendar_only)
    with pytest.raises(MissingScopeError, match="meetsync connect"):
        client.list_transcripts("conferenceRecords/anything")

    connected.emulator.workspace.meet_api_enabled = False
    client = client_of(connected.emulator.issue_token())
    with pytest.raises(MeetApiUnavailableError):
        client.list_transcripts("conferenceRecords/anything")


def test_usage_counts_requests_retries_and_quota_waits(connected):
    """Every attempt is a request, every backoff a retry, every limiter sleep a wait; and a
    thread sees the requests it sent itself."""
    connected.emulator.faults.error_rate = 0.3
    connected.emulator.faults.seed = 5
    sleeps: list[float] = []
    client = client_of(
        connected.emulator.issue_token(),
        sleep=sleeps.append,
        meet_requests_per_minute=5,
        retry_attempts=10,
        retry_base_seconds=0.0,
    )
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    for _ in range(20):
        assert client.find_conference_records("abc-mnop-xyz", (start, end)) == []
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
    settings = Settings.from_env({"MEETSYNC_DRIVE_QPM": "5"})  # fewer than the calls below
    assert (
        settings.drive_requests_per_minute,
        Settings.from_env({}).drive_requests_per_minute,
    ) == (
        5.0,
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
    client = client_of(
        connected.emulator.issue_token(),
        sleep=sleeps.append,
        drive_requests_per_minute=settings.drive_requests_per_minute,
        retry_attempts=20,
        retry_base_seconds=0.0,
    )
    for _ in range(5):
        assert client.export_doc_text(doc["id"]) == doc["_text"].removeprefix("\ufeff")
    usage = client.usage()
    assert usage.retries > 0 and usage.rate_limit_waits > 0
    assert client.limiters["meet"].per_minute == 600 and client.limiters["drive"].per_minute == 5
    connected.emulator.faults.error_rate = 0.0
    doc["_access"] = "deleted"
    with pytest.raises(HttpError) as gone:
        client.export_doc_text(doc["id"])
    assert gone.value.resp.status == 404


def test_collections_are_built_once_per_thread():
    """files(), conferenceRecords()... are reused: google-api-python-client builds a new
    collection, every method's documentation included, on each call otherwise."""
    client = client_of("token")
    meet = client._service("meet")
    assert meet.conferenceRecords() is meet.conferenceRecords()
    records = meet.conferenceRecords()
    assert records.transcripts().entries() is records.transcripts().entries()
    request = records.list(pageSize=1)
    assert request.methodId == "meet.conferenceRecords.list" and "pageSize=1" in request.uri
    assert client._service("drive").files().export is not None
