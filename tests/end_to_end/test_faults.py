"""Throttling, flaky servers, expiring and revoked tokens: the import still comes out right."""

import threading
import time
from datetime import timedelta

from emulator import FaultConfig
from google_client import RECONNECT_MESSAGE, connection_status
from settings import Settings
from tests.helpers import YESTERDAY, materialize_range, snapshot

FIRST = YESTERDAY - timedelta(days=6)


def test_transient_errors_give_the_same_tables_within_budget(connected, monkeypatch, tmp_path):
    emulator = connected.emulator
    emulator.reset_counts()
    assert materialize_range(FIRST, YESTERDAY).success
    clean = snapshot(connected.duckdb_path)
    clean_requests = emulator.total_api_requests()

    monkeypatch.setenv("MEETSYNC_DUCKDB_PATH", str(tmp_path / "faulty.duckdb"))
    monkeypatch.setenv("MEETSYNC_RETRY_ATTEMPTS", "12")
    emulator.faults = FaultConfig(error_rate=0.2, error_statuses=(429, 503), seed=3)
    emulator.reset_counts()
    assert materialize_range(FIRST, YESTERDAY).success
    faulty_requests = emulator.total_api_requests()

    assert snapshot(tmp_path / "faulty.duckdb") == clean
    # every failed attempt costs one more request: ~1/(1-0.2) = 1.25x, never a storm
    assert clean_requests < faulty_requests <= clean_requests * 1.6
    assert emulator.request_counts["oauth.token"] == 0  # no needless token refreshes


def test_token_expiring_mid_run_is_refreshed_once_for_all_workers(connected):
    emulator = connected.emulator
    emulator.token_lifetime_seconds = 1
    emulator.expire_access_tokens()
    emulator.faults = FaultConfig(latency_seconds=0.04)
    emulator.reset_counts()
    started = time.monotonic()
    assert materialize_range(FIRST, YESTERDAY).success
    elapsed = time.monotonic() - started
    refreshes = emulator.request_counts["oauth.token"]
    api_calls = emulator.total_api_requests()
    assert refreshes >= 2
    # one refresh per ~0.75 s of a 1 s token's life, whatever the number of workers
    assert refreshes <= elapsed / 0.7 + 3, (refreshes, elapsed)
    assert api_calls > 10 * refreshes


def test_refresh_token_revoked_mid_run(connected):
    emulator = connected.emulator
    assert materialize_range(FIRST, YESTERDAY).success
    before = snapshot(connected.duckdb_path)

    emulator.faults = FaultConfig(latency_seconds=0.05)  # the run outlives the revocation

    def revoke_soon():
        time.sleep(0.6)
        emulator.revoke_refresh_tokens()

    revoker = threading.Thread(target=revoke_soon)
    revoker.start()
    result = materialize_range(FIRST, YESTERDAY, raise_on_error=False)
    revoker.join()

    assert not result.success
    failures = [
        event.step_failure_data.error.to_string()
        for event in result.all_events
        if event.is_step_failure
    ]
    assert any(RECONNECT_MESSAGE in message for message in failures), failures
    assert connection_status(Settings.from_env()).label == "Reconnect required"
    assert snapshot(connected.duckdb_path) == before  # nothing lost, nothing half-written
