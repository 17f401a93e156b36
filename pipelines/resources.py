"""The resources every asset gets, configured from the environment."""

import os

import dagster as dg

from resources.duckdb_warehouse import WarehouseResource
from resources.google_workspace import GoogleWorkspaceResource
from resources.settings import DEFAULT_DUCKDB_PATH, DEFAULT_HOME, Settings


def _optional(name: str, default: str) -> str | dg.EnvVar:
    return dg.EnvVar(name) if os.environ.get(name) else default


def build_resources() -> dict[str, dg.ConfigurableResource]:
    return {
        "google": GoogleWorkspaceResource(
            client_id=dg.EnvVar("GOOGLE_CLIENT_ID"),
            client_secret=dg.EnvVar("GOOGLE_CLIENT_SECRET"),
            api_endpoint=_optional("GOOGLE_API_ENDPOINT", ""),
            meetsync_home=_optional("MEETSYNC_HOME", DEFAULT_HOME),
            max_workers=dg.EnvVar.int("MEETSYNC_WORKERS")
            if os.environ.get("MEETSYNC_WORKERS")
            else 8,
            calendar_requests_per_minute=float(os.environ.get("MEETSYNC_CALENDAR_QPM") or 600),
            meet_requests_per_minute=float(os.environ.get("MEETSYNC_MEET_QPM") or 600),
            retry_attempts=int(os.environ.get("MEETSYNC_RETRY_ATTEMPTS") or 8),
            retry_base_seconds=float(os.environ.get("MEETSYNC_RETRY_BASE_SECONDS") or 0.5),
        ),
        "duckdb": WarehouseResource(
            database=_optional("MEETSYNC_DUCKDB_PATH", DEFAULT_DUCKDB_PATH),
            lock_wait_seconds=Settings.from_env().duckdb_lock_wait_seconds,
        ),
    }
