"""The Dagster resource through which assets read Google Calendar, Meet and Drive: I/O only.

Domain calls (list events, find conference records, list transcripts, participants and
entries, get and export a Drive file) over per-thread clients; what to ask, and what the
answers mean, is the assets' job.
"""

from __future__ import annotations

from datetime import datetime

import dagster as dg
from pydantic import Field, PrivateAttr

from resources.credentials import load_credentials
from resources.google_api import GoogleApiClient, RequestUsage
from resources.retry import RetryPolicy
from resources.settings import (
    DEFAULT_DRIVE_REQUESTS_PER_MINUTE,
    DEFAULT_HOME,
    DEFAULT_REQUESTS_PER_MINUTE,
    DEFAULT_RETRY_ATTEMPTS,
    DEFAULT_RETRY_BASE_SECONDS,
    DEFAULT_WORKERS,
    QUOTA_WINDOW_SECONDS,
    GoogleEndpoints,
    MissingClientError,
    allow_loopback_http,
)
from resources.token_store import TokenStore


class GoogleWorkspaceResource(dg.ConfigurableResource):
    """Google Calendar and Meet for the connected account (see `meetsync connect`).

    Tokens come from the connection stored in ``meetsync_home``; they are refreshed
    automatically, and a refused refresh token fails the run with a reconnect message.
    ``granted_scopes`` says what the connection may read: the assets make no call it forbids.
    """

    client_id: str = Field(default="", description="OAuth client ID (Desktop app).")
    client_secret: str = Field(default="", description="OAuth client secret.")
    api_endpoint: str = Field(
        default="", description="Root of every Google call; empty means Google itself."
    )
    meetsync_home: str = Field(default=DEFAULT_HOME, description="Where the token lives.")
    max_workers: int = Field(default=DEFAULT_WORKERS, description="Concurrent Meet fetches.")
    calendar_requests_per_minute: float = Field(
        default=DEFAULT_REQUESTS_PER_MINUTE, description="Calendar quota; 0 disables."
    )
    meet_requests_per_minute: float = Field(
        default=DEFAULT_REQUESTS_PER_MINUTE, description="Meet quota; 0 disables."
    )
    drive_requests_per_minute: float = Field(
        default=DEFAULT_DRIVE_REQUESTS_PER_MINUTE, description="Drive quota; 0 disables."
    )
    quota_window_seconds: float = Field(
        default=QUOTA_WINDOW_SECONDS,
        description="The window Google counts the per-minute quotas over (60; shorter in tests).",
    )
    retry_attempts: int = Field(default=DEFAULT_RETRY_ATTEMPTS, description="Per Google call.")
    retry_base_seconds: float = Field(
        default=DEFAULT_RETRY_BASE_SECONDS, description="First backoff delay."
    )

    _client: GoogleApiClient | None = PrivateAttr(default=None)
    _account_email: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if not self.client_id or not self.client_secret:
            raise MissingClientError()
        endpoints = GoogleEndpoints.for_endpoint(self.api_endpoint or None)
        allow_loopback_http(endpoints)
        credentials = load_credentials(
            TokenStore(self.meetsync_home), self.client_secret, endpoints.token_uri
        )
        self._account_email = credentials.account_email
        self._client = GoogleApiClient(
            credentials,
            endpoints,
            calendar_per_minute=self.calendar_requests_per_minute,
            meet_per_minute=self.meet_requests_per_minute,
            drive_per_minute=self.drive_requests_per_minute,
            quota_window_seconds=self.quota_window_seconds,
            retry=RetryPolicy(max_attempts=self.retry_attempts, base_delay=self.retry_base_seconds),
        )

    @property
    def client(self) -> GoogleApiClient:
        if self._client is None:
            raise dg.DagsterInvariantViolationError("GoogleWorkspaceResource was not set up")
        return self._client

    @property
    def account_email(self) -> str | None:
        """The connected account, whose primary calendar is read."""
        return self._account_email

    @property
    def granted_scopes(self) -> frozenset[str]:
        """The scopes Google granted the connection (the user may have unticked some)."""
        return frozenset(self.client.credentials.granted_scopes or ())

    def list_events(self, start: datetime, end: datetime, time_zone: str) -> list[dict]:
        """Events of the primary calendar overlapping [start, end), recurring ones expanded."""
        return list(self.client.list_events(start, end, time_zone))

    def latest_conference_record(self) -> dict | None:
        """The account's most recent Meet conference record, if any: one small Meet call."""
        return self.client.latest_conference_record()

    def find_conference_records(
        self, meeting_code: str, window: tuple[datetime, datetime]
    ) -> list[dict]:
        """Conference records of a Meet meeting code that started inside ``window``."""
        return self.client.find_conference_records(meeting_code, *window)

    def list_transcripts(self, record_name: str) -> list[dict]:
        """Every transcript of one conference record, whatever its state."""
        return self.client.list_transcripts(record_name)

    def list_participants(self, record_name: str) -> list[dict]:
        """Every participant of one conference record."""
        return self.client.list_participants(record_name)

    def list_transcript_entries(self, transcript_name: str) -> list[dict]:
        """Every entry of one transcript."""
        return self.client.list_transcript_entries(transcript_name)

    def get_file(self, file_id: str) -> dict:
        """A Drive file's id, name and MIME type."""
        return self.client.get_file(file_id)

    def export_doc_text(self, file_id: str) -> str:
        """A Google Doc's content as plain text (Drive's text/plain export)."""
        return self.client.export_doc_text(file_id)

    def request_counts(self) -> dict[str, int]:
        """Google calls made so far by this run, per API method."""
        return dict(self.client.calls)

    def usage(self) -> RequestUsage:
        """Requests, retries and rate-limit waits of this run so far."""
        return self.client.usage()

    def requests_by_this_thread(self) -> int:
        """Google calls made so far from the calling thread (for attributing requests to the
        meeting or day a piece of work was for)."""
        return self.client.requests_by_this_thread()
