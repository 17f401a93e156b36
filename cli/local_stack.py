"""The emulator-backed local setup shared by `make demo` and `make ui`.

It starts the Google Workspace emulator with a seeded workspace, connects meetsync to it
through the real OAuth consent flow, and returns the environment every meetsync process
(the Dagster CLI, `dagster dev`) needs to reach the same emulator and DuckDB file.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from emulator import Emulator, FaultConfig, QuotaConfig
from emulator.browser import register_consent_browser
from emulator.data.workspace import recent_workspace
from emulator.wire.server import DEFAULT_CLIENTS
from google_client import StoredConnection, connect
from settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LocalStack:
    emulator: Emulator
    env: dict[str, str]  # for child processes: the Dagster CLI, `dagster dev`
    settings: Settings  # the same configuration, for this process
    connection: StoredConnection
    workdir: Path

    def stop(self) -> None:
        self.emulator.stop()


def start_local_stack(
    workdir: Path,
    *,
    days: int = 30,
    meetings_per_day: int = 12,
    seed: int = 7,
    calendar_timezone: str = "UTC",
    latency_seconds: float = 0.0,
    port: int = 0,
    quota: QuotaConfig | None = None,
) -> LocalStack:
    """Emulator up, tokens stored under ``workdir``, and the environment to use them.
    ``quota``: the per-user quotas the emulator enforces (none by default); meetsync's
    limiters are set to them."""
    quota = quota or QuotaConfig()
    workspace = recent_workspace(seed, days, meetings_per_day, calendar_timezone)
    emulator = Emulator(
        workspace, faults=FaultConfig(latency_seconds=latency_seconds), port=port, quota=quota
    )
    emulator.start()
    client_id, client_secret = next(iter(DEFAULT_CLIENTS.items()))
    dagster_home = workdir / "dagster_home"
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", dagster_home / "dagster.yaml")
    env = {
        "GOOGLE_API_ENDPOINT": emulator.url,
        "GOOGLE_CLIENT_ID": client_id,
        "GOOGLE_CLIENT_SECRET": client_secret,
        "MEETSYNC_HOME": str(workdir / "home"),
        "MEETSYNC_DUCKDB_PATH": str(workdir / "meetsync.duckdb"),
        "MEETSYNC_TIMEZONE": calendar_timezone,  # meetsync reads the calendar in its zone
        "MEETSYNC_START_DATE": (datetime.now(UTC) - timedelta(days=days)).date().isoformat(),
        "DAGSTER_HOME": str(dagster_home),
        # Stay under the emulator's quota of each API, or a generous one when it enforces none.
        "MEETSYNC_CALENDAR_QPM": str(quota.limit_of("calendar") or 6000),
        "MEETSYNC_MEET_QPM": str(quota.limit_of("meet") or 6000),
        "MEETSYNC_DRIVE_QPM": str(quota.limit_of("drive") or 6000),
    }
    os.environ.update(env)
    settings = Settings.from_env()
    connection = connect(
        settings, open_browser=True, browser=register_consent_browser(), timeout_seconds=60
    )
    return LocalStack(emulator, env, settings, connection, workdir)
