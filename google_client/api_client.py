"""Calendar, Meet and Drive calls with the domain methods the assets need.

Each thread gets its own authorized HTTP object and API services, built once (httplib2 is not
thread-safe, and building a service per call leaks memory). All threads share the credentials,
so a token refresh happens once, and one rate limiter per API.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import google.auth.credentials
import google_auth_httplib2
import httplib2
from googleapiclient.discovery import Resource, build
from googleapiclient.errors import HttpError

from google_client.config import ClientLimits, GoogleConfig, endpoints_of, require_client
from google_client.credentials import ReconnectRequiredError, load_credentials
from google_client.endpoints import GoogleEndpoints
from google_client.rate_limit import TokenBucket
from google_client.retry import error_payload, error_reasons, is_retryable
from google_client.scopes import DRIVE_MEET_SCOPE, MEET_SCOPE
from google_client.setup_errors import SetupError
from google_client.token_store import TokenStore

log = logging.getLogger(__name__)

EVENT_FIELDS = (
    "nextPageToken,items(id,status,summary,start,end,eventType,attendeesOmitted,"
    "attendees(email,resource,responseStatus,optional,organizer,self),organizer(email),"
    "recurringEventId,htmlLink,conferenceData(conferenceId,conferenceSolution(key(type)),"
    "entryPoints(entryPointType,uri)),attachments(fileId,title,mimeType,fileUrl))"
)
RECORD_FIELDS = "nextPageToken,conferenceRecords(name,startTime,endTime,expireTime,space)"
TRANSCRIPT_FIELDS = (
    "nextPageToken,transcripts(name,state,startTime,endTime,docsDestination(document))"
)
FILE_FIELDS = "id,name,mimeType"
EXPORT_MIME_TYPE = "text/plain"
ENTRY_FIELDS = (
    "nextPageToken,transcriptEntries(name,participant,text,languageCode,startTime,endTime)"
)
PARTICIPANT_FIELDS = (
    "nextPageToken,participants(name,signedinUser(user,displayName),"
    "anonymousUser(displayName),phoneUser(displayName))"
)

SCOPE_INSUFFICIENT = "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
# A 403 for an API not enabled in the OAuth client's Cloud project: google.rpc.ErrorInfo's
# reason, and Calendar's legacy errors[].reason.
SERVICE_DISABLED_REASONS = frozenset({"SERVICE_DISABLED", "accessNotConfigured"})
TIMEOUT_SECONDS = 60  # one HTTP request, before it counts as a connection failure
MAX_EVENTS_PAGE = 2500
MAX_RECORDS_PAGE = 100
MAX_TRANSCRIPTS_PAGE = 100
MAX_ENTRIES_PAGE = 100
MAX_PARTICIPANTS_PAGE = 250


class MeetApiUnavailableError(RuntimeError):
    """The Meet API refused the account (for example a personal Gmail account)."""


class MissingScopeError(ReconnectRequiredError):
    """Google refused a call for a scope the connection was believed to have."""

    def __init__(self) -> None:
        super().__init__(
            "Google refused a call for lack of permission (access was withdrawn): "
            "run meetsync connect"
        )


@dataclass(frozen=True)
class RequestUsage:
    """What a client has spent so far: requests sent (every attempt counts), retries after a
    transient failure, and waits the rate limiter imposed to stay under a quota."""

    requests: int
    retries: int
    rate_limit_waits: int

    def since(self, earlier: RequestUsage) -> RequestUsage:
        """What was spent after ``earlier`` was taken."""
        return RequestUsage(
            self.requests - earlier.requests,
            self.retries - earlier.retries,
            self.rate_limit_waits - earlier.rate_limit_waits,
        )


class ServiceDisabledError(SetupError):
    """An API meetsync calls is not enabled in the OAuth client's Google Cloud project."""


def service_disabled(error: HttpError) -> ServiceDisabledError | None:
    """The setup error a 403 stands for when its API is disabled, else None: Google's message
    on one line, with the console link that enables the API."""
    if error.resp.status != 403 or not SERVICE_DISABLED_REASONS & error_reasons(error):
        return None
    payload = error_payload(error)
    message = " ".join(str(payload.get("message") or "").split())
    link = _activation_url(payload)
    if not message:
        message = "A Google API meetsync needs is not enabled in the OAuth client's project."
    if link and link not in message:
        message = f"{message} Enable it at {link}"
    return ServiceDisabledError(message)


def _activation_url(payload: dict) -> str | None:
    """The console link of an error's details: ErrorInfo's activationUrl, else a Help link."""
    details = [d for d in payload.get("details") or [] if isinstance(d, dict)]
    for detail in details:
        metadata = detail.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get("activationUrl"), str):
            return metadata["activationUrl"]
    for detail in details:
        for link in detail.get("links") or []:
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                return link["url"]
    return None


def rfc3339(moment: datetime) -> str:
    """A timezone-aware datetime as Google wants it in query parameters and filters."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone")
    return moment.isoformat()


def _as_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GoogleClient:
    """Google calls for one connected account. Safe to use from many threads at once.

    ``account_email`` is the account whose primary calendar is read; ``granted_scopes`` what
    Google granted it (the user may have unticked some), so callers make no call it forbids;
    ``workers`` how many threads may call at once.
    """

    def __init__(
        self,
        credentials: google.auth.credentials.Credentials,
        endpoints: GoogleEndpoints,
        limits: ClientLimits,
        *,
        account_email: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.credentials = credentials
        self.endpoints = endpoints
        self.account_email = account_email
        self.retry = limits.retry
        self.workers = limits.workers
        self.limiters = {
            api: TokenBucket(
                per_minute, sleep=self._wait_for_quota, window_seconds=limits.quota_window_seconds
            )
            for api, per_minute in (
                ("calendar", limits.calendar_per_minute),
                ("meet", limits.meet_per_minute),
                ("drive", limits.drive_per_minute),
            )
        }
        self.calls: Counter[str] = Counter()
        self.retries: Counter[str] = Counter()
        self.rate_limit_waits = 0
        self._counts_lock = threading.Lock()
        self._local = threading.local()
        self._sleep = sleep

    @property
    def granted_scopes(self) -> frozenset[str]:
        """The scopes Google granted the connection."""
        return frozenset(getattr(self.credentials, "granted_scopes", None) or ())

    @property
    def meet_permitted(self) -> bool:
        """Whether the user granted Meet access: without it, Meet is never asked."""
        return MEET_SCOPE in self.granted_scopes

    @property
    def drive_permitted(self) -> bool:
        """Whether the user granted Drive's ``drive.meet.readonly``: the Docs Meet wrote."""
        return DRIVE_MEET_SCOPE in self.granted_scopes

    def check_meet_enabled(self) -> None:
        """Raise the setup error when the Meet REST API is not enabled in the OAuth client's
        Cloud project (one small Meet call; none without Meet access). Any other failure is
        not a setup error, and is left to the calls that follow."""
        if not self.meet_permitted:
            return
        try:
            self.latest_conference_record()
        except SetupError:
            raise
        except Exception:  # a refused account or a passing fault
            return

    def check_drive_enabled(self) -> None:
        """Raise the setup error when the Drive API is not enabled in the OAuth client's Cloud
        project (one ``files.list`` of one file; none without the Drive permission). Any other
        failure is not a setup error, and is left to the exports that follow."""
        if not self.drive_permitted:
            return
        try:
            self._execute("drive", lambda s: s.files().list(pageSize=1, fields="files(id)"))
        except SetupError:
            raise
        except Exception:  # a refused account or a passing fault
            return

    # -- plumbing -------------------------------------------------------------------------
    def _service(self, api: str) -> BuiltOnce:
        """This thread's service for ``api``, built on first use over the thread's HTTP."""
        services = getattr(self._local, "services", None)
        if services is None:
            services = self._local.services = {}
            self._local.http = google_auth_httplib2.AuthorizedHttp(
                self.credentials, http=httplib2.Http(timeout=TIMEOUT_SECONDS)
            )
        if api not in services:
            name, version, endpoint = {
                "calendar": ("calendar", "v3", self.endpoints.calendar_api_endpoint),
                "meet": ("meet", "v2", self.endpoints.meet_api_endpoint),
                "drive": ("drive", "v3", self.endpoints.drive_api_endpoint),
            }[api]
            services[api] = BuiltOnce(
                build(
                    name,
                    version,
                    http=self._local.http,
                    static_discovery=True,
                    cache_discovery=False,
                    client_options=_options(endpoint),
                )
            )
        return services[api]

    def _execute(self, api: str, make_request: Callable[[Resource], Any]) -> Any:
        """One call with rate limiting and bounded retries on transient failures."""
        request = make_request(self._service(api))
        method = getattr(request, "methodId", api)
        for attempt in range(self.retry.max_attempts):
            self.limiters[api].acquire()
            with self._counts_lock:
                self.calls[method] += 1
            self._local.requests = self.requests_by_this_thread() + 1
            try:
                return request.execute(num_retries=0)
            except HttpError as error:
                disabled = service_disabled(error)
                if disabled is not None:
                    raise disabled from None
                if error.resp.status == 403 and SCOPE_INSUFFICIENT in error_reasons(error):
                    raise MissingScopeError() from None
                if _meet_refused(api, error):
                    raise MeetApiUnavailableError(
                        "The Meet API refused this account (the Meet REST API needs a "
                        "Google Workspace account)"
                    ) from None
                if not is_retryable(error) or attempt + 1 == self.retry.max_attempts:
                    raise
                self._wait(method, attempt, f"HTTP {error.resp.status}")
            except Exception as error:
                if not is_retryable(error) or attempt + 1 == self.retry.max_attempts:
                    raise
                self._wait(method, attempt, type(error).__name__)
                self._local.services = None  # a broken connection: start a fresh HTTP object
                request = make_request(self._service(api))
        raise AssertionError("unreachable")

    def usage(self) -> RequestUsage:
        """Requests, retries and rate-limit waits so far, over all threads."""
        with self._counts_lock:
            return RequestUsage(
                sum(self.calls.values()), sum(self.retries.values()), self.rate_limit_waits
            )

    def requests_by_this_thread(self) -> int:
        """Requests sent so far from the calling thread: the difference across a piece of
        work tells what that work cost."""
        return getattr(self._local, "requests", 0)

    def _wait_for_quota(self, seconds: float) -> None:
        """The limiters' sleep: counted, so a run can tell how often the quota held it back."""
        with self._counts_lock:
            self.rate_limit_waits += 1
        self._sleep(seconds)

    def _wait(self, method: str, attempt: int, why: str) -> None:
        delay = self.retry.delay(attempt)
        with self._counts_lock:
            self.retries[method] += 1
        log.warning(
            "%s failed with %s (attempt %d of %d); retrying in %.2fs",
            method,
            why,
            attempt + 1,
            self.retry.max_attempts,
            delay,
        )
        self._sleep(delay)

    def _pages(self, api: str, make_request: Callable[[Resource, str | None], Any], key: str):
        token: str | None = None
        while True:
            page = self._execute(api, lambda service, t=token: make_request(service, t))
            yield from page.get(key) or []
            token = page.get("nextPageToken")
            if not token:
                return

    # -- domain methods -------------------------------------------------------------------
    def primary_calendar_id(self) -> str:
        """The primary calendar's id, which is the account's email address."""
        calendar = self._execute(
            "calendar", lambda s: s.calendars().get(calendarId="primary", fields="id")
        )
        return calendar["id"]

    def list_events(self, start: datetime, end: datetime, time_zone: str) -> list[dict]:
        """Every event of the primary calendar that overlaps [start, end), instances expanded."""
        return list(self._iter_events(start, end, time_zone))

    def _iter_events(self, start: datetime, end: datetime, time_zone: str) -> Iterator[dict]:
        return self._pages(
            "calendar",
            lambda s, token: s.events().list(
                calendarId="primary",
                timeMin=rfc3339(start),
                timeMax=rfc3339(end),
                singleEvents=True,
                orderBy="startTime",
                maxResults=MAX_EVENTS_PAGE,
                timeZone=time_zone,
                pageToken=token,
                fields=EVENT_FIELDS,
            ),
            "items",
        )

    def latest_conference_record(self) -> dict | None:
        """The account's most recent conference record (one small Meet call), if any."""
        page = self._execute(
            "meet",
            lambda s: s.conferenceRecords().list(pageSize=1, fields="conferenceRecords(name)"),
        )
        records = page.get("conferenceRecords") or []
        return records[0] if records else None

    def find_conference_records(
        self, meeting_code: str, window: tuple[datetime, datetime]
    ) -> list[dict]:
        """The conference records of one meeting code that started inside ``window``."""
        window_start, window_end = window
        query = (
            f'space.meeting_code = "{_quote(meeting_code)}" '
            f'AND start_time >= "{_as_utc(window_start)}" '
            f'AND start_time <= "{_as_utc(window_end)}"'
        )
        return list(
            self._pages(
                "meet",
                lambda s, token: s.conferenceRecords().list(
                    filter=query, pageSize=MAX_RECORDS_PAGE, pageToken=token, fields=RECORD_FIELDS
                ),
                "conferenceRecords",
            )
        )

    def list_transcripts(self, record_name: str) -> list[dict]:
        """Every transcript of one conference record, whatever its state."""
        return self._list_children(
            lambda s: s.conferenceRecords().transcripts(),
            record_name,
            MAX_TRANSCRIPTS_PAGE,
            TRANSCRIPT_FIELDS,
            "transcripts",
        )

    def list_transcript_entries(self, transcript_name: str) -> list[dict]:
        """Every entry of one transcript."""
        return self._list_children(
            lambda s: s.conferenceRecords().transcripts().entries(),
            transcript_name,
            MAX_ENTRIES_PAGE,
            ENTRY_FIELDS,
            "transcriptEntries",
        )

    def list_participants(self, record_name: str) -> list[dict]:
        """Every participant of one conference record."""
        return self._list_children(
            lambda s: s.conferenceRecords().participants(),
            record_name,
            MAX_PARTICIPANTS_PAGE,
            PARTICIPANT_FIELDS,
            "participants",
        )

    def get_file(self, file_id: str) -> dict:
        """A Drive file's id, name and MIME type."""
        return self._execute(
            "drive",
            lambda s: s.files().get(fileId=file_id, fields=FILE_FIELDS, supportsAllDrives=True),
        )

    def export_doc_text(self, file_id: str) -> str:
        """A Google Doc exported as plain text (UTF-8; Drive's byte order mark dropped)."""
        content = self._execute(
            "drive", lambda s: s.files().export(fileId=file_id, mimeType=EXPORT_MIME_TYPE)
        )
        if isinstance(content, bytes):
            return content.decode("utf-8-sig", errors="replace")
        return str(content)

    def _list_children(
        self,
        collection: Callable[[Resource], Any],
        parent: str,
        page_size: int,
        fields: str,
        key: str,
    ) -> list[dict]:
        """Every page of a Meet collection under ``parent``."""
        return list(
            self._pages(
                "meet",
                lambda s, token: collection(s).list(
                    parent=parent, pageSize=page_size, pageToken=token, fields=fields
                ),
                key,
            )
        )


class BuiltOnce:
    """A service (or collection) whose collections, ``files()``, ``conferenceRecords()`` and
    so on, are built once and then reused.

    google-api-python-client builds a new collection object, with the documentation of every
    method, on each such call; those objects refer to themselves, so only the cyclic garbage
    collector frees them, and in a process as large as a Dagster run it seldom gets to them:
    a year of history (ten thousand requests) kept over 100 MB of them alive.
    """

    def __init__(self, resource: Resource) -> None:
        self._resource = resource
        self._collections: dict[str, BuiltOnce] = {}

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._resource, name)
        if name not in self._resource._resourceDesc.get("resources", {}):
            return found  # a method, or anything else: as it is
        if name not in self._collections:
            self._collections[name] = BuiltOnce(found())
        return lambda: self._collections[name]


def _meet_refused(api: str, error: HttpError) -> bool:
    return (
        api == "meet" and error.resp.status == 403 and "PERMISSION_DENIED" in error_reasons(error)
    )


def _options(api_endpoint: str | None) -> dict | None:
    return {"api_endpoint": api_endpoint} if api_endpoint else None


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def open_client(config: GoogleConfig) -> GoogleClient:
    """The client of the connection stored under ``config.home``: its tokens refresh by
    themselves (a refresh that fails for a moment is retried like a call); no OAuth client, no
    connection, or a refresh token Google refused is a setup error that says what to do."""
    client = require_client(config)
    endpoints = endpoints_of(config)
    limits = ClientLimits.of(config)
    store = TokenStore(config.home)
    credentials = load_credentials(store, client, endpoints.token_uri, limits.retry)
    return GoogleClient(credentials, endpoints, limits, account_email=credentials.account_email)
