"""Fixtures for integration tests: a seeded emulator, a real OAuth connection, a temp DuckDB."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest

from emulator import Emulator, FaultConfig, generate_workspace
from emulator.browser import register_consent_browser
from emulator.wire.server import DEFAULT_CLIENTS

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

CLIENT_ID, CLIENT_SECRET = next(iter(DEFAULT_CLIENTS.items()))
TODAY = datetime.now(UTC).date()
YESTERDAY = TODAY - timedelta(days=1)


@dataclass
class Environment:
    emulator: Emulator
    home: Path
    duckdb_path: Path

    def env(self) -> dict[str, str]:
        return {
            "GOOGLE_API_ENDPOINT": self.emulator.url,
            "GOOGLE_CLIENT_ID": CLIENT_ID,
            "GOOGLE_CLIENT_SECRET": CLIENT_SECRET,
            "MEETSYNC_HOME": str(self.home),
            "MEETSYNC_DUCKDB_PATH": str(self.duckdb_path),
            "MEETSYNC_RETRY_BASE_SECONDS": "0.01",
            "MEETSYNC_CALENDAR_QPM": "0",
            "MEETSYNC_MEET_QPM": "0",
        }


def make_workspace(days: int = 10, meetings_per_day: int = 6, seed: int = 11, **kwargs):
    return generate_workspace(
        seed=seed,
        end_date=YESTERDAY,
        days=days,
        meetings_per_day=meetings_per_day,
        now=datetime.now(UTC),
        long_transcript_entries=kwargs.pop("long_transcript_entries", 400),
        **kwargs,
    )


@pytest.fixture(scope="session")
def consent_browser() -> str:
    return register_consent_browser()


@pytest.fixture
def workspace():
    return make_workspace()


@pytest.fixture
def emulator(workspace):
    with Emulator(workspace, faults=FaultConfig()) as running:
        yield running


@pytest.fixture
def environment(emulator, tmp_path, monkeypatch) -> Environment:
    """The emulator plus MEETSYNC_* settings pointing into this test's temp dir."""
    found = Environment(emulator, tmp_path / "meetsync-home", tmp_path / "meetsync.duckdb")
    for key, value in found.env().items():
        monkeypatch.setenv(key, value)
    return found


@pytest.fixture
def connected(environment, consent_browser) -> Environment:
    """An environment whose Google connection went through the real consent flow."""
    from google_client import connect
    from settings import Settings

    connect(Settings.from_env(), open_browser=True, browser=consent_browser, timeout_seconds=30)
    return environment


def day_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture
def connected_factory(tmp_path, monkeypatch, consent_browser):
    """Like ``connected``, for a workspace of a test's own shape."""
    from google_client import connect
    from settings import Settings

    running = []

    def start(**shape):
        ws = make_workspace(**shape)
        emu = Emulator(ws, faults=FaultConfig()).start()
        running.append(emu)
        env = Environment(emu, tmp_path / "meetsync-home", tmp_path / "meetsync.duckdb")
        for key, value in env.env().items():
            monkeypatch.setenv(key, value)
        connect(Settings.from_env(), open_browser=True, browser=consent_browser, timeout_seconds=30)
        return env, ws

    yield start
    for emu in running:
        emu.stop()
