"""The roots of every Google call: Google itself, or one host (the emulator) serving them all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"


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


@contextmanager
def loopback_http_allowed(endpoints: GoogleEndpoints) -> Iterator[None]:
    """oauthlib refuses plain-http token URLs; while the block runs, allow them for a loopback
    emulator only (the process environment is restored afterwards)."""
    if not endpoints.is_loopback_http:
        yield
        return
    before = os.environ.get("OAUTHLIB_INSECURE_TRANSPORT")
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = before
