"""What the Google client is configured with. The values come from meetsync's settings (the
only place with defaults); anything with these attributes will do: ``settings.Settings``,
or the Dagster resource that holds them as its fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from google_client.endpoints import GoogleEndpoints
from google_client.retry import RetryPolicy
from google_client.setup_errors import MissingClientError


class GoogleConfig(Protocol):
    """The OAuth client, where Google is, where the connection is stored, and the limits of
    the calls: requests per minute to each API (0: no limiter) over a window of
    ``quota_window_seconds``, attempts per call, and concurrent workers."""

    @property
    def client_id(self) -> str | None: ...
    @property
    def client_secret(self) -> str | None: ...
    @property
    def api_endpoint(self) -> str | None: ...
    @property
    def home(self) -> Path | str: ...
    @property
    def workers(self) -> int: ...
    @property
    def calendar_requests_per_minute(self) -> float: ...
    @property
    def meet_requests_per_minute(self) -> float: ...
    @property
    def drive_requests_per_minute(self) -> float: ...
    @property
    def quota_window_seconds(self) -> float: ...
    @property
    def retry_attempts(self) -> int: ...
    @property
    def retry_base_seconds(self) -> float: ...


@dataclass(frozen=True)
class ClientLimits:
    """How hard a client may press Google: per-minute quotas per API, retries, workers."""

    calendar_per_minute: float
    meet_per_minute: float
    drive_per_minute: float
    quota_window_seconds: float
    retry: RetryPolicy
    workers: int

    @classmethod
    def of(cls, config: GoogleConfig) -> ClientLimits:
        return cls(
            calendar_per_minute=config.calendar_requests_per_minute,
            meet_per_minute=config.meet_requests_per_minute,
            drive_per_minute=config.drive_requests_per_minute,
            quota_window_seconds=config.quota_window_seconds,
            retry=RetryPolicy(config.retry_attempts, config.retry_base_seconds),
            workers=config.workers,
        )


def endpoints_of(config: GoogleConfig) -> GoogleEndpoints:
    return GoogleEndpoints.for_endpoint(config.api_endpoint or None)


def require_client(config: GoogleConfig) -> tuple[str, str]:
    """The OAuth client's id and secret, or the setup error that says how to set them."""
    if not config.client_id or not config.client_secret:
        raise MissingClientError()
    return config.client_id, config.client_secret
