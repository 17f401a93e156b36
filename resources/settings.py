"""Where meetsync talks to Google and keeps its state, read from the environment.

One setting, ``GOOGLE_API_ENDPOINT``, points every Google call at the local emulator (or any
Google-compatible host); unset means real Google.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.readonly"
SCOPES = (CALENDAR_SCOPE, MEET_SCOPE)

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"

DEFAULT_DUCKDB_PATH = "data/meetsync.duckdb"
DEFAULT_HOME = "~/.meetsync"


@dataclass(frozen=True)
class GoogleEndpoints:
    """The roots of every Google call: real Google, or one host that serves them all."""

    auth_uri: str
    token_uri: str
    revoke_uri: str
    calendar_api_endpoint: str | None
    meet_api_endpoint: str | None

    @classmethod
    def for_endpoint(cls, endpoint: str | None) -> GoogleEndpoints:
        if not endpoint:
            return cls(GOOGLE_AUTH_URI, GOOGLE_TOKEN_URI, GOOGLE_REVOKE_URI, None, None)
        root = endpoint.rstrip("/")
        return cls(
            auth_uri=f"{root}/o/oauth2/auth",
            token_uri=f"{root}/token",
            revoke_uri=f"{root}/revoke",
            # api_endpoint replaces root URL and service path together.
            calendar_api_endpoint=f"{root}/calendar/v3/",
            meet_api_endpoint=f"{root}/",
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
    """Everything the CLI needs from the environment."""

    api_endpoint: str | None
    client_id: str | None
    client_secret: str | None
    home: Path
    duckdb_path: Path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            api_endpoint=os.environ.get("GOOGLE_API_ENDPOINT") or None,
            client_id=os.environ.get("GOOGLE_CLIENT_ID") or None,
            client_secret=os.environ.get("GOOGLE_CLIENT_SECRET") or None,
            home=Path(os.environ.get("MEETSYNC_HOME") or DEFAULT_HOME).expanduser(),
            duckdb_path=Path(os.environ.get("MEETSYNC_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH),
        )

    @property
    def endpoints(self) -> GoogleEndpoints:
        return GoogleEndpoints.for_endpoint(self.api_endpoint)

    def require_client(self) -> tuple[str, str]:
        if not self.client_id or not self.client_secret:
            raise MissingClientError(
                "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set "
                "(an OAuth client of type Desktop app; see README)."
            )
        return self.client_id, self.client_secret


class MissingClientError(RuntimeError):
    """The OAuth client credentials are not configured."""
