"""meetsync's configuration: the only module that reads ``MEETSYNC_*`` and ``GOOGLE_*``.

Every default lives here. One setting, ``GOOGLE_API_ENDPOINT``, points every Google call at the
local emulator (or any Google-compatible host); unset means real Google.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from resources.setup_errors import SetupError

CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.readonly"


@dataclass(frozen=True)
class Permission:
    """A scope meetsync asks for, as the user sees it on Google's consent page."""

    scope: str
    name: str  # "Calendar access": what the user grants, in the advice to connect again
    without: str = ""  # for an optional scope: what meetsync cannot do without it


# Google's consent page lets the user untick any scope. Calendar is required: without it
# there is nothing to import. The optional ones are asked for too, and the connection
# records which scopes Google granted; the assets make no call that a missing one forbids.
REQUIRED_PERMISSIONS = (Permission(CALENDAR_SCOPE, "Calendar access"),)
# The Google Docs Meet wrote: transcripts of meetings older than Meet's 30 days.
DRIVE_MEET_SCOPE = "https://www.googleapis.com/auth/drive.meet.readonly"
OPTIONAL_PERMISSIONS = (
    Permission(MEET_SCOPE, "Meet access", "transcripts not permitted"),
    Permission(
        DRIVE_MEET_SCOPE, "Drive access", "transcripts older than 30 days need Drive access"
    ),
)
SCOPES = tuple(p.scope for p in REQUIRED_PERMISSIONS + OPTIONAL_PERMISSIONS)

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"

# The OAuth client's variables: Dagster resources take these by name (dg.EnvVar), so the UI
# shows the name, never the secret.
CLIENT_ID_VARIABLE = "GOOGLE_CLIENT_ID"
CLIENT_SECRET_VARIABLE = "GOOGLE_CLIENT_SECRET"

DEFAULT_DUCKDB_PATH = "data/meetsync.duckdb"
# `make demo` and `make ui` keep their state here, relative to the project's root: the DuckDB
# file, the Dagster instance (dagster_home/) and the connection to the emulator (home/).
DEMO_DIRECTORY = "data/demo"
DEMO_DUCKDB_PATH = f"{DEMO_DIRECTORY}/meetsync.duckdb"
DEFAULT_HOME = "~/.meetsync"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_START_DATE = "2025-01-01"
DEFAULT_WORKERS = 8
DEFAULT_REQUESTS_PER_MINUTE = 600.0  # Google's per-user quota of Calendar and of Meet reads
# Drive's per-user quota is 12,000 queries per minute (projects before May 2026), or 325,000
# quota units per minute with a per-method cost (newer projects); see README "Quotas". A tenth
# of the former stays under both unless one export costs more than 270 units.
DEFAULT_DRIVE_REQUESTS_PER_MINUTE = 1200.0
QUOTA_WINDOW_SECONDS = 60.0  # Google counts those per minute, over a sliding window
DEFAULT_RETRY_ATTEMPTS = 8
DEFAULT_RETRY_BASE_SECONDS = 0.5
DEFAULT_RECHECK_DAYS = 3
# How long a run waits for another process to release the DuckDB file before it fails.
DEFAULT_DUCKDB_LOCK_WAIT_SECONDS = 900.0


@dataclass(frozen=True)
class GoogleEndpoints:
    """The roots of every Google call: real Google, or one host that serves them all."""

    auth_uri: str
    token_uri: str
    revoke_uri: str
    calendar_api_endpoint: str | None
    meet_api_endpoint: str | None
    drive_api_endpoint: str | None = None

    @classmethod
    def for_endpoint(cls, endpoint: str | None) -> GoogleEndpoints:
        if not endpoint:
            return cls(GOOGLE_AUTH_URI, GOOGLE_TOKEN_URI, GOOGLE_REVOKE_URI, None, None, None)
        root = endpoint.rstrip("/")
        return cls(
            auth_uri=f"{root}/o/oauth2/auth",
            token_uri=f"{root}/token",
            revoke_uri=f"{root}/revoke",
            # api_endpoint replaces root URL and service path together.
            calendar_api_endpoint=f"{root}/calendar/v3/",
            meet_api_endpoint=f"{root}/",
            drive_api_endpoint=f"{root}/drive/v3/",
        )

    @property
    def is_loopback_http(self) -> bool:
        parts = urlsplit(self.token_uri)
        return parts.scheme == "http" and parts.hostname in {"localhost", "127.0.0.1", "::1"}


def allow_loopback_http(endpoints: GoogleEndpoints) -> None:
    """oauthlib refuses plain-http token URLs; allow them for a loopback emulator only."""
    if endpoints.is_loopback_http:
        os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"


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
    retry_attempts: int = DEFAULT_RETRY_ATTEMPTS
    retry_base_seconds: float = DEFAULT_RETRY_BASE_SECONDS
    recheck_days: int = DEFAULT_RECHECK_DAYS
    duckdb_lock_wait_seconds: float = DEFAULT_DUCKDB_LOCK_WAIT_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings in ``environ`` (default: the process environment); unset or empty
        variables take their defaults."""
        env = os.environ if environ is None else environ

        def get(name: str, default: str) -> str:
            return env.get(name) or default

        return cls(
            api_endpoint=env.get("GOOGLE_API_ENDPOINT") or None,
            client_id=env.get(CLIENT_ID_VARIABLE) or None,
            client_secret=env.get(CLIENT_SECRET_VARIABLE) or None,
            home=Path(get("MEETSYNC_HOME", DEFAULT_HOME)).expanduser(),
            duckdb_path=Path(get("MEETSYNC_DUCKDB_PATH", DEFAULT_DUCKDB_PATH)),
            timezone=get("MEETSYNC_TIMEZONE", DEFAULT_TIMEZONE),
            start_date=get("MEETSYNC_START_DATE", DEFAULT_START_DATE),
            workers=int(get("MEETSYNC_WORKERS", str(DEFAULT_WORKERS))),
            calendar_requests_per_minute=float(
                get("MEETSYNC_CALENDAR_QPM", str(DEFAULT_REQUESTS_PER_MINUTE))
            ),
            meet_requests_per_minute=float(
                get("MEETSYNC_MEET_QPM", str(DEFAULT_REQUESTS_PER_MINUTE))
            ),
            drive_requests_per_minute=float(
                get("MEETSYNC_DRIVE_QPM", str(DEFAULT_DRIVE_REQUESTS_PER_MINUTE))
            ),
            retry_attempts=int(get("MEETSYNC_RETRY_ATTEMPTS", str(DEFAULT_RETRY_ATTEMPTS))),
            retry_base_seconds=float(
                get("MEETSYNC_RETRY_BASE_SECONDS", str(DEFAULT_RETRY_BASE_SECONDS))
            ),
            recheck_days=int(get("MEETSYNC_RECHECK_DAYS", str(DEFAULT_RECHECK_DAYS))),
            duckdb_lock_wait_seconds=float(
                get("MEETSYNC_DUCKDB_LOCK_WAIT_SECONDS", str(DEFAULT_DUCKDB_LOCK_WAIT_SECONDS))
            ),
        )

    @property
    def endpoints(self) -> GoogleEndpoints:
        return GoogleEndpoints.for_endpoint(self.api_endpoint)

    def require_client(self) -> tuple[str, str]:
        if not self.client_id or not self.client_secret:
            raise MissingClientError()
        return self.client_id, self.client_secret


class MissingClientError(SetupError):
    """The OAuth client credentials are not configured."""

    def __init__(self) -> None:
        super().__init__(
            "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set "
            "(an OAuth client of type Desktop app; see README)."
        )
