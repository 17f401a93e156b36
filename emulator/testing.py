"""Helpers for tests that drive the emulator with the real Google client libraries."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, date, datetime
from typing import Any

from google.oauth2.credentials import Credentials
from googleapiclient.discovery import Resource, build

FIXED_END_DATE = date(2026, 11, 24)
FIXED_NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.readonly"
DRIVE_MEET_SCOPE = "https://www.googleapis.com/auth/drive.meet.readonly"


def calendar_service(url: str, token: str) -> Resource:
    """A Calendar v3 client pointed at the emulator at ``url``."""
    return _discovery_client("calendar", "v3", f"{url}/calendar/v3/", token)


def meet_service(url: str, token: str) -> Resource:
    """A Meet v2 client pointed at the emulator at ``url``."""
    return _discovery_client("meet", "v2", f"{url}/", token)


def drive_service(url: str, token: str) -> Resource:
    """A Drive v3 client pointed at the emulator at ``url``."""
    return _discovery_client("drive", "v3", f"{url}/drive/v3/", token)


def _discovery_client(api: str, version: str, endpoint: str, token: str) -> Resource:
    return build(
        api,
        version,
        credentials=Credentials(token),
        client_options={"api_endpoint": endpoint},
        static_discovery=True,
        cache_discovery=False,
    )


def http(
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
) -> tuple[int, dict[str, str], Any]:
    """One raw request without proxies: status, headers and the decoded JSON (or text) body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=30) as response:
            status, head, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        status, head, raw = exc.code, dict(exc.headers), exc.read()
    text = raw.decode("utf-8")
    try:
        return status, head, json.loads(text) if text else None
    except json.JSONDecodeError:
        return status, head, text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def api_get(url: str, path: str, token: str | None) -> tuple[int, dict[str, str], Any]:
    """GET ``url + path`` with a bearer token (None: no Authorization header)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http("GET", url + path, headers)
