"""The Dagster resource through which assets read Google: it opens the connected account's
client (``google_client``) for a run and hands it out with ``get_client()``."""

from __future__ import annotations

import dagster as dg
from pydantic import Field, PrivateAttr

from google_client import GoogleClient, open_client


class GoogleWorkspaceResource(dg.ConfigurableResource):
    """Google Calendar, Meet and Drive for the connected account (see `meetsync connect`).

    Tokens come from the connection stored in ``home``; they are refreshed automatically, and
    a refused refresh token fails the run with a reconnect message. Every field is set from
    meetsync's settings (``pipelines/resources.py``), which hold the defaults.
    """

    client_id: str = Field(description="OAuth client ID (Desktop app); GOOGLE_CLIENT_ID.")
    client_secret: str = Field(description="OAuth client secret; GOOGLE_CLIENT_SECRET.")
    api_endpoint: str = Field(description="Root of every Google call; empty means Google itself.")
    home: str = Field(description="Where the connection's tokens live (MEETSYNC_HOME).")
    workers: int = Field(description="Concurrent Google calls of a step (MEETSYNC_WORKERS).")
    calendar_requests_per_minute: float = Field(description="Calendar quota; 0 disables.")
    meet_requests_per_minute: float = Field(description="Meet quota; 0 disables.")
    drive_requests_per_minute: float = Field(description="Drive quota; 0 disables.")
    quota_window_seconds: float = Field(
        description="The window Google counts the per-minute quotas over (60 s)."
    )
    retry_attempts: int = Field(description="Attempts per Google call.")
    retry_base_seconds: float = Field(description="First backoff delay, in seconds.")

    _client: GoogleClient | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._client = open_client(self)

    def get_client(self) -> GoogleClient:
        """The run's client: one per run, shared by its worker threads."""
        if self._client is None:
            raise dg.DagsterInvariantViolationError("GoogleWorkspaceResource was not set up")
        return self._client
