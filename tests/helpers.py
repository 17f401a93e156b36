"""Helpers shared by the tests: Google clients pointed at the emulator (the real client
libraries), meetsync's own client and settings from the test's environment."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import Resource, build

from emulator import Emulator, generate_workspace
from emulator.wire.server import DEFAULT_CLIENTS
from google_client import GoogleClient
from pipelines.resources import build_resources
from settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DAGSTER = str(Path(sys.executable).with_name("dagster"))

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


# ----- the emulator and a connected account
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


def day_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# ----- runs of the real Definitions
PIPELINE_TABLES = (
    "calendar_events",
    "meet_meetings",
    "conference_records",
    "transcripts",
    "transcript_entries",
)
# Columns that say when a run happened, not what it found.
RUN_TIME_COLUMNS = frozenset({"checked_at"})


def materialize_range(
    first: date,
    last: date,
    selection: str = "*",
    raise_on_error: bool = True,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """One single-run backfill of [first, last] through every selected asset, with the
    resources configured from the current environment, on a throw-away instance unless one
    is given, whose event log then holds the run's log lines."""
    from pipelines.definitions import defs
    from pipelines.resources import build_resources
    from settings import Settings

    assets = list(defs.assets or [])
    resources = build_resources(Settings.from_env())
    return dg.materialize(
        assets,
        selection=selection,
        resources=resources,
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
        tags={
            "dagster/asset_partition_range_start": first.isoformat(),
            "dagster/asset_partition_range_end": last.isoformat(),
        },
    )


def snapshot(database: Path | str) -> dict[str, list[tuple]]:
    """Every pipeline table's rows, sorted, without run-time columns: equal snapshots mean
    equal data."""
    with duckdb.connect(str(database), read_only=True) as conn:
        found = {}
        for table in PIPELINE_TABLES:
            columns = [c[0] for c in conn.execute(f"DESCRIBE {table}").fetchall()]
            kept = ", ".join(c for c in columns if c not in RUN_TIME_COLUMNS)
            found[table] = conn.execute(f"SELECT {kept} FROM {table} ORDER BY ALL").fetchall()
        return found


DAGSTER = str(Path(sys.executable).with_name("dagster"))


def cli_env(tmp_path: Path, name: str = "dagster_home") -> dict[str, str]:
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    # Create the instance's SQLite storages now: two CLI processes starting together on a
    # brand-new home race to create the same tables (as never happens under dagster dev).
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)
        instance.all_instigator_state()
    return {**os.environ, "DAGSTER_HOME": str(home)}


# ----- what a correct import gives
def expected_text(ws, event_id: str) -> str:
    """The transcript a correct import assembles, computed straight from the workspace."""
    lines = []
    for record in ws.event_records[event_id]:
        names = {
            p["name"]: next(
                (
                    p[k].get("displayName")
                    for k in ("signedinUser", "anonymousUser", "phoneUser")
                    if k in p
                ),
                None,
            )
            for p in ws.participants.get(record, [])
        }
        for transcript in ws.transcripts.get(record, []):
            if transcript["state"] in ("FILE_GENERATED", "ENDED"):
                for e in ws.entries.get(transcript["name"], []):
                    lines.append(
                        (
                            e["startTime"],
                            f"{names.get(e.get('participant')) or 'Unknown speaker'}: "
                            + e.get("text", ""),
                        )
                    )
    return "\n".join(line for _, line in sorted(lines))


def change_every_utterance(ws) -> None:
    for entries in ws.entries.values():
        for entry in entries:
            entry["text"] = entry.get("text", "") + " (revised)"


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM to dagster dev's whole group (webserver, daemon, code servers, runs), then
    SIGKILL whatever is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


# ----- what Meet's Docs say
def speaker_of(participant: dict | None) -> str:
    """A participant's display name, as Meet's entries and Docs name the speaker."""
    for kind in ("signedinUser", "anonymousUser", "phoneUser"):
        if participant and kind in participant:
            return participant[kind]["displayName"]
    return "Unknown speaker"


def generated_docs(ws: Any, event_id: str) -> list[dict]:
    """The Docs Meet wrote for the event's transcripts (FILE_GENERATED ones)."""
    return [
        ws.drive_files[t["docsDestination"]["document"]]
        for record in ws.event_records.get(event_id, [])
        for t in ws.transcripts.get(record, [])
        if t["state"] == "FILE_GENERATED"
    ]


def spoken_turns(ws: Any, event_id: str) -> list[tuple[str, str]]:
    """Speaker and text of every entry of the event's generated transcripts, in time order:
    what Meet's API serves, before Doc paragraph merging."""
    found = []
    for record in ws.event_records.get(event_id, []):
        people = {p["name"]: p for p in ws.participants.get(record, [])}
        for t in ws.transcripts.get(record, []):
            if t["state"] == "FILE_GENERATED":
                for e in ws.entries[t["name"]]:
                    found.append(
                        (e["startTime"], speaker_of(people.get(e["participant"])), e["text"])
                    )
    return [(speaker, text) for _, speaker, text in sorted(found)]


def doc_text(ws: Any, event_id: str) -> str:
    """What the event's Docs say, as ``Speaker: text`` lines, one per speaker turn."""
    return "\n".join(f"{s}: {t}" for s, t in merge_turns(spoken_turns(ws, event_id)))
