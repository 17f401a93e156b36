"""Helpers shared by the tests: Google clients pointed at the emulator (the real client
libraries), meetsync's own client and settings from the test's environment."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import dagster as dg
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import Resource, build

from google_client import GoogleClient
from pipelines.resources import build_resources
from settings import Settings

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


def settings_from_env(**changes: Any) -> Settings:
    """meetsync's settings as the test's environment gives them, with ``changes``."""
    return replace(Settings.from_env(), **changes)


@contextlib.contextmanager
def google_client(**changes: Any) -> Iterator[GoogleClient]:
    """meetsync's Google client as a run gets it from its resource, set up from the test's
    environment with ``changes`` to the settings."""
    resource = build_resources(settings_from_env(**changes))["google"]
    with dg.build_resources({"google": resource}) as built:
        yield built.google.get_client()


def merge_turns(turns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(speaker, text)`` turns with consecutive ones of one speaker joined: what a Doc
    paragraph holds, for comparing Meet API entries with a Doc."""
    merged: list[tuple[str, str]] = []
    for speaker, text in turns:
        words = " ".join(text.split())
        if merged and merged[-1][0] == speaker:
            merged[-1] = (speaker, f"{merged[-1][1]} {words}")
        else:
            merged.append((speaker, words))
    return merged
