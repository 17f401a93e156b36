"""The Dagster resource through which assets read Google Calendar and Google Meet."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime

import dagster as dg
from pydantic import Field, PrivateAttr

from resources.credentials import ReconnectRequiredError, load_credentials
from resources.google_api import GoogleApiClient, MeetApiUnavailableError
from resources.retry import RetryPolicy
from resources.settings import DEFAULT_HOME, GoogleEndpoints, allow_loopback_http
from resources.token_store import TokenStore

USABLE_TRANSCRIPT_STATES = frozenset({"FILE_GENERATED", "ENDED"})


@dataclass
class RecordTranscripts:
    """What Meet holds for one conference record: its transcripts, participants and the
    entries of every transcript that is usable (FILE_GENERATED or ENDED)."""

    record_name: str
    transcripts: list[dict] = field(default_factory=list)
    participants: list[dict] = field(default_factory=list)
    entries: dict[str, list[dict]] = field(default_factory=dict)
    error: str | None = None
    unsupported: bool = False


@dataclass
class ConferenceLookup:
    """Everything Meet holds for one meeting code in one time window."""

    meeting_code: str
    window: tuple[datetime, datetime]
    records: list[dict] = field(default_factory=list)
    transcripts: dict[str, RecordTranscripts] = field(default_factory=dict)
    error: str | None = None
    unsupported: bool = False


RecordSelector = Callable[[ConferenceLookup], list[dict]]


class GoogleWorkspaceResource(dg.ConfigurableResource):
    """Google Calendar and Meet for the connected account (see `meetsync connect`).

    Tokens come from the connection stored in ``meetsync_home``; they are refreshed
    automatically, and a refused refresh token fails the run with a reconnect message.
    """

    client_id: str = Field(description="OAuth client ID (Desktop app).")
    client_secret: str = Field(description="OAuth client secret.")
    api_endpoint: str = Field(
        default="", description="Root of every Google call; empty means Google itself."
    )
    meetsync_home: str = Field(default=DEFAULT_HOME, description="Where the token lives.")
    max_workers: int = Field(default=8, description="Concurrent transcript fetches.")
    calendar_requests_per_minute: float = Field(default=600, description="0 disables.")
    meet_requests_per_minute: float = Field(default=600, description="0 disables.")
    retry_attempts: int = Field(default=8, description="Attempts per Google call.")
    retry_base_seconds: float = Field(default=0.5, description="First backoff delay.")

    _client: GoogleApiClient | None = PrivateAttr(default=None)
    _account_email: str | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        endpoints = GoogleEndpoints.for_endpoint(self.api_endpoint or None)
        allow_loopback_http(endpoints)
        credentials = load_credentials(TokenStore(self.meetsync_home), self.client_secret)
        self._account_email = credentials.account_email
        self._client = GoogleApiClient(
            credentials,
            endpoints,
            calendar_per_minute=self.calendar_requests_per_minute,
            meet_per_minute=self.meet_requests_per_minute,
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

    def list_events(self, start: datetime, end: datetime, time_zone: str) -> list[dict]:
        """Events of the primary calendar overlapping [start, end), recurring ones expanded."""
        return list(self.client.list_events(start, end, time_zone))

    def find_conference_records(
        self, meeting_code: str, window: tuple[datetime, datetime]
    ) -> list[dict]:
        """Conference records of a Meet meeting code that started inside ``window``."""
        return self.client.find_conference_records(meeting_code, *window)

    def fetch_record_transcripts(self, record_name: str) -> RecordTranscripts:
        """Transcripts, participants and usable transcripts' entries of one record."""
        result = RecordTranscripts(record_name)
        result.transcripts = self.client.list_transcripts(record_name)
        usable = [
            t
            for t in result.transcripts
            if isinstance(t, dict)
            and isinstance(t.get("name"), str)
            and isinstance(t.get("state"), str)
            and t["state"] in USABLE_TRANSCRIPT_STATES
        ]
        if not usable:
            return result
        result.participants = self.client.list_participants(record_name)
        for transcript in usable:
            result.entries[transcript["name"]] = self.client.list_transcript_entries(
                transcript["name"]
            )
        return result

    def _fetch_guarded(self, record_name: str) -> RecordTranscripts:
        try:
            return self.fetch_record_transcripts(record_name)
        except ReconnectRequiredError:
            raise
        except Exception as error:
            detail, unsupported = _failure(error)
            return RecordTranscripts(record_name, error=detail, unsupported=unsupported)

    def fetch_conferences(
        self,
        searches: dict[str, tuple[datetime, datetime]],
        select_records: RecordSelector = lambda lookup: lookup.records,
    ) -> dict[str, ConferenceLookup]:
        """Records of each meeting code in its window, then the transcripts of the records
        ``select_records`` keeps, all on ``max_workers`` threads.

        Transcript fetches start as soon as their code's records are known, so the slowest
        meeting, not the sum of steps, bounds the wall time. A code or record that keeps
        failing is reported in its result; a refused refresh token stops everything.
        """
        lookups = {code: ConferenceLookup(code, window) for code, window in searches.items()}
        pool = ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="meet")
        try:
            searching = [pool.submit(self._find_guarded, lookup) for lookup in lookups.values()]
            fetching: list[tuple[ConferenceLookup, Future[RecordTranscripts]]] = []
            for done in as_completed(searching):
                lookup = done.result()
                for record in select_records(lookup):
                    fetching.append((lookup, pool.submit(self._fetch_guarded, record["name"])))
            for lookup, future in fetching:
                fetched = future.result()
                lookup.transcripts[fetched.record_name] = fetched
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return lookups

    def _find_guarded(self, lookup: ConferenceLookup) -> ConferenceLookup:
        try:
            lookup.records = self.find_conference_records(lookup.meeting_code, lookup.window)
        except ReconnectRequiredError:
            raise
        except Exception as error:
            lookup.error, lookup.unsupported = _failure(error)
        return lookup

    def request_counts(self) -> dict[str, int]:
        """Google calls made so far by this run, per API method."""
        return dict(self.client.calls)


def _failure(error: Exception) -> tuple[str, bool]:
    """What a meeting's status records of a fetch that failed for good: the detail, and
    whether the Meet API refused the account altogether."""
    if isinstance(error, MeetApiUnavailableError):
        return str(error), True
    return f"{type(error).__name__}: {error}", False
