"""A token endpoint that fails for a moment, or refuses for good, over real HTTP: retried like
an API call, or one line that says what to do (also in `meetsync status`, without Google)."""

import subprocess
import sys
from datetime import timedelta

import duckdb
import pytest

from emulator import FaultConfig
from google_client import (
    AdminPolicyError,
    AdvancedProtectionError,
    OAuthClientMismatchError,
    OAuthClientRejectedError,
    TokenEndpointUnavailableError,
    TokenStore,
    open_client,
)
from pipelines.loggers import setup_error_message
from settings import Settings
from tests.helpers import CLIENT_ID, YESTERDAY, materialize_range, snapshot

FIRST = YESTERDAY - timedelta(days=2)
CLIENT_REJECTED_NOTE = (
    "it was deleted or its secret changed; check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, "
    "then run meetsync connect"
)
ADMIN_NOTE = (
    "ask the admin to allow the app (Admin console > Security > API controls), "
    "then run meetsync connect"
)


def _meetsync(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, timeout=120
    )


def test_four_failed_refreshes_then_success(connected, workspace):
    emulator = connected.emulator
    emulator.expire_access_tokens()
    emulator.fail_token_requests(503, "reset", 500, "reset")
    emulator.reset_counts()
    client = open_client(Settings.from_env())
    assert client.primary_calendar_id() == workspace.account_email
    assert emulator.request_counts["oauth.token"] == 5  # one POST per attempt, no second loop
    assert client.credentials.refresh_retries == 4
    assert TokenStore(connected.home).load().status == "active"


def test_a_run_through_four_failed_refreshes_keeps_identical_rows(connected, monkeypatch, tmp_path):
    emulator = connected.emulator
    assert materialize_range(FIRST, YESTERDAY).success
    clean = snapshot(connected.duckdb_path)

    monkeypatch.setenv("MEETSYNC_DUCKDB_PATH", str(tmp_path / "blip.duckdb"))
    emulator.expire_access_tokens()  # every nightly run starts with an expired token
    emulator.fail_token_requests("reset", 503, "reset", 502)
    emulator.reset_counts()
    assert materialize_range(FIRST, YESTERDAY).success
    assert emulator.request_counts["oauth.token"] == 5  # refreshed once for all workers
    assert snapshot(tmp_path / "blip.duckdb") == clean


def test_a_token_endpoint_down_for_every_attempt_is_one_line(connected, monkeypatch):
    monkeypatch.setenv("MEETSYNC_RETRY_ATTEMPTS", "3")
    emulator = connected.emulator
    emulator.expire_access_tokens()
    emulator.fail_token_requests(503, 503, 503, 503)
    emulator.reset_counts()
    client = open_client(Settings.from_env())
    with pytest.raises(TokenEndpointUnavailableError) as raised:
        client.primary_calendar_id()
    assert str(raised.value) == (
        "Google's token endpoint did not answer in 3 attempts (last: HTTP 503): "
        "check the network, then run again"
    )
    assert emulator.request_counts["oauth.token"] == 3
    assert TokenStore(connected.home).load().status == "active"  # nothing to reconnect


def test_invalid_client_fails_the_run_in_one_line_and_status_shows_it(
    connected, workspace, monkeypatch
):
    emulator = connected.emulator
    assert materialize_range(FIRST, YESTERDAY).success
    before = snapshot(connected.duckdb_path)
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "a-secret-of-another-client")  # secret rotated
    emulator.expire_access_tokens()
    emulator.reset_counts()

    result = materialize_range(FIRST, YESTERDAY, raise_on_error=False)
    assert not result.success
    lines = {
        setup_error_message(event.step_failure_data.error)
        for event in result.all_events
        if event.is_step_failure
    }
    assert lines == {
        f"Google rejected the OAuth client (invalid_client: Unauthorized): {CLIENT_REJECTED_NOTE}"
    }
    assert emulator.request_counts["oauth.token"] == 1  # a refusal is not retried
    assert snapshot(connected.duckdb_path) == before

    expected = f"OAuth client rejected {workspace.account_email}: {CLIENT_REJECTED_NOTE}"
    for args in (("status",), ("status", "--check")):
        run = _meetsync(*args)
        assert (run.returncode, run.stdout.strip(), run.stderr) == (2, expected, "")
    assert emulator.request_counts["oauth.token"] == 1  # the stored refusal: no network


def test_admin_policy_status_check_exits_non_zero_and_says_so(connected, workspace):
    emulator = connected.emulator
    emulator.enforce_policy("admin_policy_enforced")
    emulator.expire_access_tokens()
    run = _meetsync("status", "--check")
    assert "Traceback" not in run.stderr
    assert (run.returncode, run.stdout.strip()) == (
        2,
        f"Blocked by a Workspace admin {workspace.account_email}: {ADMIN_NOTE}",
    )
    assert TokenStore(connected.home).load().status == "admin_policy"
    emulator.reset_counts()
    with pytest.raises(AdminPolicyError, match="ask the admin to allow the app"):
        open_client(Settings.from_env())  # refused before any request
    assert emulator.request_counts["oauth.token"] == 0
    run = _meetsync("status")
    assert (run.returncode, run.stdout.strip()) == (
        2,
        f"Blocked by a Workspace admin {workspace.account_email}: {ADMIN_NOTE}",
    )


def _other_client(environment, monkeypatch):
    other = "another-client.apps.googleusercontent.com"
    environment.emulator.oauth.clients[other] = "another-secret"
    monkeypatch.setenv("GOOGLE_CLIENT_ID", other)
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "another-secret")


@pytest.mark.parametrize(
    ("refuse", "error", "said"),
    [
        (lambda env, mp: env.emulator.enforce_policy("policy_enforced"), AdvancedProtectionError,
         "policy_enforced: This app is not approved by Advanced Protection."),
        (_other_client, OAuthClientMismatchError, "unauthorized_client: Unauthorized"),
        (lambda env, mp: env.emulator.delete_client(CLIENT_ID), OAuthClientRejectedError,
         "deleted_client: The OAuth client was deleted."),
    ],
)  # fmt: skip
def test_each_refusal_is_its_own_line_and_stored(connected, monkeypatch, refuse, error, said):
    refuse(connected, monkeypatch)
    connected.emulator.expire_access_tokens()
    client = open_client(Settings.from_env())
    with pytest.raises(error) as raised:
        client.primary_calendar_id()
    message = str(raised.value)
    assert message == f"{error.headline} ({said}): {error.next_step}"
    assert "\n" not in message and message.endswith("run meetsync connect")
    assert TokenStore(connected.home).load().status == error.status
    with pytest.raises(error):
        client.primary_calendar_id()  # the same client never asks again


def test_disconnect_with_google_unreachable_says_so_and_deletes_tokens(connected):
    with duckdb.connect(str(connected.duckdb_path)) as conn:
        conn.execute("CREATE TABLE meet_meetings AS SELECT 'kept' AS event_id")
    connected.emulator.stop()
    run = _meetsync("disconnect")
    lines = run.stdout.strip().splitlines()
    assert (run.returncode, len(lines), run.stderr) == (1, 1, "")
    assert "Google could not be reached to revoke meetsync's access (" in lines[0]
    assert lines[0].endswith("remove it at https://myaccount.google.com/permissions")
    assert TokenStore(connected.home).load() is None
    with duckdb.connect(str(connected.duckdb_path)) as conn:
        assert conn.execute("SELECT event_id FROM meet_meetings").fetchall() == [("kept",)]


def test_disconnect_when_google_answers_an_error_says_so(connected, workspace):
    connected.emulator.faults = FaultConfig(
        error_rate=1.0, error_statuses=(503,), fail_paths=("/revoke",), include_oauth=True
    )
    run = _meetsync("disconnect")
    assert (run.returncode, run.stdout.strip()) == (
        1,
        f"Deleted the local tokens of {workspace.account_email} and kept imported meetings, but "
        "Google answered HTTP 503 when asked to revoke meetsync's access "
        "(internal_failure: Backend Error): remove it at https://myaccount.google.com/permissions",
    )
    assert TokenStore(connected.home).load() is None
