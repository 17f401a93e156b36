"""The resources every asset and schedule gets, configured from meetsync's settings."""

import dagster as dg

from resources.duckdb_warehouse import WarehouseResource
from resources.google_workspace import GoogleWorkspaceResource
from settings import CLIENT_ID_VARIABLE, CLIENT_SECRET_VARIABLE, Settings


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The OAuth client is passed by variable name, so the Dagster UI shows the name and
    never the secret; everything else is the settings' value. An unset client is left empty,
    so a run fails with meetsync's own message rather than Dagster's config error."""
    return {
        "google": GoogleWorkspaceResource(
            client_id=dg.EnvVar(CLIENT_ID_VARIABLE) if settings.client_id else "",
            client_secret=dg.EnvVar(CLIENT_SECRET_VARIABLE) if settings.client_secret else "",
            api_endpoint=settings.api_endpoint or "",
            home=str(settings.home),
            workers=settings.workers,
            calendar_requests_per_minute=settings.calendar_requests_per_minute,
            meet_requests_per_minute=settings.meet_requests_per_minute,
            drive_requests_per_minute=settings.drive_requests_per_minute,
            quota_window_seconds=settings.quota_window_seconds,
            retry_attempts=settings.retry_attempts,
            retry_base_seconds=settings.retry_base_seconds,
        ),
        "duckdb": WarehouseResource(
            database=str(settings.duckdb_path),
            lock_wait_seconds=settings.duckdb_lock_wait_seconds,
            meetings_per_write=settings.meetings_per_write,
        ),
    }
