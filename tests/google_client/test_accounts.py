"""The connection lifecycle against the emulator over real HTTP."""

import stat
import subprocess
import sys
import time

import duckdb
import pytest

from google_client import (
    RECONNECT_MESSAGE,
    ReconnectRequiredError,
    TokenStore,
    connect,
    connection_status,
    disconnect,
    open_client,
)
from settings import Settings


def test_connect_stores_tokens_privately_and_reports_active(connected, workspace):
    settings = Settings.from_env()
    store = TokenStore(settings.home)
    stored = store.load()
    assert stored.account_email == workspace.account_email
    assert stored.refresh_token
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert str(connection_status(settings)) == f"Active {workspace.account_email}"
    assert connected.emulator.request_counts["oauth.token"] == 1


def test_cli_connect_without_browser_prints_url_and_completes(environment, workspace):
    from tests.helpers import http

    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "connect", "--no-browser", "--timeout", "30"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url, said = None, []
    for line in process.stdout:
        said.append(line)
        if line.startswith("http"):
            url = line.strip()
            said.append(process.stdout.readline())
            break
    assert url and "access_type=offline" in url and "prompt=consent" in url
    # where the browser must run, and how long meetsync waits
    assert "in a browser on this machine" in said[0] and "loopback" in said[0]
    assert said[-1].startswith("Waiting up to 30 seconds for Google's answer")
    status, headers, _ = http("GET", url)
    assert status == 302
    http("GET", headers["Location"])  # the browser lands on meetsync's loopback page
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.strip().endswith(f"Active {workspace.account_email}")
    assert "ya29" not in out + err and "1//" not in out + err  # tokens never printed
    status_run = subprocess.run(
        [sys.executable, "-m", "cli.main", "status"], capture_output=True, text=True
    )
    assert (status_run.returncode, status_run.stdout.strip()) == (
        0,
        f"Active {workspace.account_email}",
    )


def test_reconnect_forces_consent_and_gets_a_new_refresh_token(connected, consent_browser):
    settings = Settings.from_env()
    first = TokenStore(settings.home).load().refresh_token
    connect(settings, open_browser=True, browser=consent_browser, timeout_seconds=30)
    second = TokenStore(settings.home).load().refresh_token
    assert second and second != first


def test_expired_token_is_refreshed_and_refresh_token_kept(connected):
    settings = Settings.from_env()
    store = TokenStore(settings.home)
    before = store.load()
    connected.emulator.expire_access_tokens()
    client = open_client(settings)
    credentials = client.credentials
    assert client.primary_calendar_id() == before.account_email  # 401, refresh, retry
    after = store.load()
    assert credentials.refresh_count == 1
    assert after.refresh_token == before.refresh_token
    assert after.access_token != before.access_token


def test_short_lived_tokens_refresh_before_expiry(connected):
    settings = Settings.from_env()
    connected.emulator.token_lifetime_seconds = 1
    connected.emulator.expire_access_tokens()
    store = TokenStore(settings.home)
    client = open_client(settings)
    credentials = client.credentials
    for _ in range(3):
        client.primary_calendar_id()
        time.sleep(1.1)
    assert credentials.refresh_count >= 2
    assert store.load().refresh_token == credentials.refresh_token


def test_revoked_refresh_token_means_reconnect_required(connected, workspace):
    settings = Settings.from_env()
    connected.emulator.revoke_refresh_tokens()
    client = open_client(settings)
    with pytest.raises(ReconnectRequiredError, match=RECONNECT_MESSAGE):
        client.primary_calendar_id()
    status = connection_status(settings)
    assert (str(status), status.exit_code) == (
        f"Reconnect required {workspace.account_email}: run meetsync connect",
        2,
    )
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "status"], capture_output=True, text=True
    )
    assert run.returncode == 2 and run.stdout.startswith("Reconnect required")
    assert run.stdout.strip().endswith("run meetsync connect")


def test_status_check_detects_revocation(connected):
    settings = Settings.from_env()
    connected.emulator.revoke_refresh_tokens()
    connected.emulator.expire_access_tokens()
    assert connection_status(settings).label == "Active"  # nothing tried yet
    assert connection_status(settings, check=True).label == "Reconnect required"


def test_disconnect_revokes_deletes_tokens_and_keeps_data(connected):
    settings = Settings.from_env()
    with duckdb.connect(str(connected.duckdb_path)) as conn:
        conn.execute("CREATE TABLE meet_meetings AS SELECT 'kept' AS event_id")
    done = disconnect(settings)
    assert (done.account_email, done.revoked) == (connected.emulator.workspace.account_email, True)
    assert str(done) == f"Disconnected {done.account_email}; imported meetings stay in DuckDB."
    assert TokenStore(settings.home).load() is None
    assert connected.emulator.request_counts["oauth.revoke"] == 1
    assert connection_status(settings).label == "Not connected"
    with duckdb.connect(str(connected.duckdb_path)) as conn:
        assert conn.execute("SELECT event_id FROM meet_meetings").fetchall() == [("kept",)]


def test_not_connected_status_exit_code(environment):
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "status"], capture_output=True, text=True
    )
    assert (run.returncode, run.stdout.strip()) == (1, "Not connected: run meetsync connect")
