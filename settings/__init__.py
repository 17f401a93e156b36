"""meetsync's configuration: the only module that reads ``MEETSYNC_*`` and ``GOOGLE_*``, and the
only place a setting has a default. Everything else receives these values.

One setting, ``GOOGLE_API_ENDPOINT``, points every Google call at the local emulator (or any
Google-compatible host); unset means real Google.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# The OAuth client's variables: Dagster resources take these by name (dg.EnvVar), so the UI
# shows the name, never the secret.
CLIENT_ID_VARIABLE = "GOOGLE_CLIENT_ID"
CLIENT_SECRET_VARIABLE = "GOOGLE_CLIENT_SECRET"

DEFAULT_DUCKDB_PATH = "data/meetsync.duckdb"
DEFAULT_HOME = "~/.meetsync"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_START_DATE = "2025-01-01"
DEFAULT_WORKERS = 8
DEFAULT_REQUESTS_PER_MINUTE = 600.0  # Google's per-user quota of Calendar and of Meet reads
# Drive's per-user quota is 12,000 queries per minute (projects before May 2026), or 325,000
# quota units per minute with a per-method cost (newer projects); see README "Quotas". A tenth
# of the former stays under both unless one export costs more than 270 units.
DEFAULT_DRIVE_REQUESTS_PER_MINUTE = 1200.0
DEFAULT_QUOTA_WINDOW_SECONDS = 60.0  # Google counts those per minute, over a sliding window
DEFAULT_RETRY_ATTEMPTS = 8
DEFAULT_RETRY_BASE_SECONDS = 0.5
DEFAULT_RECHECK_DAYS = 3
# Meetings whose transcript Doc Drive refused (not shared, not found, too large, a policy) are
# fetched again once a week while they are at most this many days old: sharing can change.
DEFAULT_DRIVE_RECHECK_DAYS = 60
# How long a run waits for another process to release the DuckDB file before it fails.
DEFAULT_DUCKDB_LOCK_WAIT_SECONDS = 900.0
# A long backfill writes the days Meet no longer keeps in windows of whole days holding about
# this many meetings, so its memory does not grow with the range (README "Recovery").
DEFAULT_MEETINGS_PER_WRITE = 1000


@dataclass(frozen=True)
class Settings:
    """Everything meetsync reads from the environment, with its defaults."""

    api_endpoint: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    home: Path = field(default_factory=lambda: Path(DEFAULT_HOME).expanduser())
    duckdb_path: Path = field(default_factory=lambda: Path(DEFAULT_DUCKDB_PATH))
    timezone: str = DEFAULT_TIMEZONE
    start_date: str = DEFAULT_START_DATE
    workers: int = DEFAULT_WORKERS
    calendar_requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE
    meet_requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE
    drive_requests_per_minute: float = DEFAULT_DRIVE_REQUESTS_PER_MINUTE
    quota_window_seconds: float = DEFAULT_QUOTA_WINDOW_SECONDS
    retry_attempts: int = DEFAULT_RETRY_ATTEMPTS
    retry_base_seconds: float = DEFAULT_RETRY_BASE_SECONDS
    recheck_days: int = DEFAULT_RECHECK_DAYS
    drive_recheck_days: int = DEFAULT_DRIVE_RECHECK_DAYS
    duckdb_lock_wait_seconds: float = DEFAULT_DUCKDB_LOCK_WAIT_SECONDS
    meetings_per_write: int = DEFAULT_MEETINGS_PER_WRITE

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings in ``environ`` (default: the process environment); unset or empty
        variables take their defaults."""
        env = os.environ if environ is None else environ

        def get(name: str, default: object) -> str:
            return env.get(name) or str(default)

        return cls(
            api_endpoint=env.get("GOOGLE_API_ENDPOINT") or None,
            client_id=env.get(CLIENT_ID_VARIABLE) or None,
            client_secret=env.get(CLIENT_SECRET_VARIABLE) or None,
            home=Path(get("MEETSYNC_HOME", DEFAULT_HOME)).expanduser(),
            duckdb_path=Path(get("MEETSYNC_DUCKDB_PATH", DEFAULT_DUCKDB_PATH)),
            timezone=get("MEETSYNC_TIMEZONE", DEFAULT_TIMEZONE),
            start_date=get("MEETSYNC_START_DATE", DEFAULT_START_DATE),
            workers=int(get("MEETSYNC_WORKERS", DEFAULT_WORKERS)),
            calendar_requests_per_minute=float(
                get("MEETSYNC_CALENDAR_QPM", DEFAULT_REQUESTS_PER_MINUTE)
            ),
            meet_requests_per_minute=float(get("MEETSYNC_MEET_QPM", DEFAULT_REQUESTS_PER_MINUTE)),
            drive_requests_per_minute=float(
                get("MEETSYNC_DRIVE_QPM", DEFAULT_DRIVE_REQUESTS_PER_MINUTE)
            ),
            quota_window_seconds=float(
                get("MEETSYNC_QUOTA_WINDOW_SECONDS", DEFAULT_QUOTA_WINDOW_SECONDS)
            ),
            retry_attempts=int(get("MEETSYNC_RETRY_ATTEMPTS", DEFAULT_RETRY_ATTEMPTS)),
            retry_base_seconds=float(
                get("MEETSYNC_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS)
            ),
            recheck_days=int(get("MEETSYNC_RECHECK_DAYS", DEFAULT_RECHECK_DAYS)),
            drive_recheck_days=int(get("MEETSYNC_DRIVE_RECHECK_DAYS", DEFAULT_DRIVE_RECHECK_DAYS)),
            duckdb_lock_wait_seconds=float(
                get("MEETSYNC_DUCKDB_LOCK_WAIT_SECONDS", DEFAULT_DUCKDB_LOCK_WAIT_SECONDS)
            ),
            meetings_per_write=int(get("MEETSYNC_MEETINGS_PER_WRITE", DEFAULT_MEETINGS_PER_WRITE)),
        )
