"""The emulator's HTTP server: routing, OAuth bearer checks, faults, counting, partial responses.

``Emulator(ws).start()`` serves the workspace on ``127.0.0.1`` with Google's paths and wire
format, so google-api-python-client, google-auth and google-auth-oauthlib run unchanged.
"""

from __future__ import annotations

import base64
import binascii
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

from emulator.apis import calendar_api, drive_api, meet_api
from emulator.apis.oauth import LOOPBACK_HOSTS, AccessToken, OAuthServer, ResetConnection
from emulator.data.account import Workspace
from emulator.wire.errors import (
    ApiError,
    bad_request,
    calendar_error,
    injected_fault,
    insufficient_scope,
    meet_error,
    not_found,
    quota_exceeded,
    service_disabled,
    unauthenticated,
)
from emulator.wire.faults import FaultConfig
from emulator.wire.fields import FieldsSyntaxError, apply_fields, parse_fields
from emulator.wire.params import Params, one
from emulator.wire.quota import QuotaConfig
from emulator.wire.reply import Reply
from emulator.wire.routes import SCOPE_PREFIX, Route, api_of_path, match, required_scopes

DEFAULT_CLIENTS = {"meetsync-local.apps.googleusercontent.com": "meetsync-local-secret"}
CLOUD_PROJECT_NUMBER = "731846204752"  # the Cloud project the OAuth clients belong to
PERMISSION_DENIED = "The caller does not have permission"


class _Indexes:
    """Calendar and Meet indexes, rebuilt when the workspace changes."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._lock = threading.Lock()
        self._fingerprint: tuple[int, ...] | None = None
        self.calendar: calendar_api.CalendarIndex
        self.meet: meet_api.MeetIndex

    def _current(self) -> tuple[int, ...]:
        ws = self.ws
        return (
            ws.version,
            id(ws.events),
            len(ws.events),
            id(ws.series_masters),
            len(ws.series_masters),
            id(ws.conference_records),
            len(ws.conference_records),
            len(ws.spaces),
        )

    def fresh(self, force: bool = False) -> _Indexes:
        """Rebuild if the workspace changed since the last build."""
        fingerprint = self._current()
        if force or fingerprint != self._fingerprint:
            with self._lock:
                if force or fingerprint != self._fingerprint:
                    self.calendar = calendar_api.CalendarIndex(self.ws)
                    self.meet = meet_api.MeetIndex(self.ws)
                    self._fingerprint = fingerprint
        return self


Handler = Callable[[Workspace, _Indexes, tuple[str, ...], Params], dict[str, Any]]

_HANDLERS: dict[str, Handler] = {
    "calendar.calendars.get": lambda ws, ix, a, p: calendar_api.get_calendar(ws, a[0]),
    "calendar.events.list": lambda ws, ix, a, p: calendar_api.list_events(ws, ix.calendar, a[0], p),
    "calendar.events.get": lambda ws, ix, a, p: calendar_api.get_event(
        ws, ix.calendar, a[0], a[1], p
    ),
    "meet.conferenceRecords.list": lambda ws, ix, a, p: meet_api.list_records(ws, ix.meet, p),
    "meet.conferenceRecords.get": lambda ws, ix, a, p: meet_api.get_record(ws, ix.meet, a[0]),
    "meet.conferenceRecords.transcripts.list": lambda ws, ix, a, p: meet_api.list_transcripts(
        ws, ix.meet, a[0], p
    ),
    "meet.conferenceRecords.transcripts.get": lambda ws, ix, a, p: meet_api.get_transcript(
        ws, ix.meet, a[0], a[1]
    ),
    "meet.conferenceRecords.transcripts.entries.list": lambda ws, ix, a, p: meet_api.list_entries(
        ws, ix.meet, a[0], a[1], p
    ),
    "meet.conferenceRecords.transcripts.entries.get": lambda ws, ix, a, p: meet_api.get_entry(
        ws, ix.meet, a[0], a[1], a[2]
    ),
    "meet.conferenceRecords.participants.list": lambda ws, ix, a, p: meet_api.list_participants(
        ws, ix.meet, a[0], p
    ),
    "meet.conferenceRecords.participants.get": lambda ws, ix, a, p: meet_api.get_participant(
        ws, ix.meet, a[0], a[1]
    ),
    "meet.spaces.get": lambda ws, ix, a, p: meet_api.get_space(ws, ix.meet, a[0]),
}
# Drive answers depend on the token's scopes (drive.meet.readonly sees only Meet's files).
DriveHandler = Callable[[Workspace, tuple[str, ...], Params, tuple[str, ...]], Any]
_DRIVE_HANDLERS: dict[str, DriveHandler] = {
    "drive.files.list": drive_api.list_files,
    "drive.files.get": lambda ws, a, p, scopes: drive_api.get_file(ws, a[0], p, scopes),
    "drive.files.export": lambda ws, a, p, scopes: drive_api.export_file(ws, a[0], p, scopes),
}


class Emulator:
    """A local Google Workspace (OAuth, Calendar v3, Meet v2, Drive v3) over real HTTP.

    Use ``with Emulator(ws) as emu:`` or ``start()``/``stop()``; ``url`` has no trailing slash.
    ``faults``, ``quota`` and ``token_lifetime_seconds`` may be changed while it runs.
    """

    def __init__(
        self,
        workspace: Workspace,
        faults: FaultConfig | None = None,
        clients: dict[str, str] | None = None,
        token_lifetime_seconds: int = 3600,
        host: str = "127.0.0.1",
        port: int = 0,
        quota: QuotaConfig | None = None,
    ) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"the emulator binds to loopback only, not {host!r}")
        self.workspace = workspace
        self.faults = faults or FaultConfig()
        self.quota = quota or QuotaConfig()
        self.oauth = OAuthServer(clients or DEFAULT_CLIENTS, token_lifetime_seconds)
        self.host, self.port = host, port
        self.request_counts: Counter[str] = Counter()
        self.disabled_apis: set[str] = set()
        self._counts_lock = threading.Lock()
        self._indexes = _Indexes(workspace)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle --------------------------------------------------------------------------
    def start(self) -> Emulator:
        """Bind, build indexes and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._indexes.fresh(force=True)
        server = ThreadingHTTPServer((self.host, self.port), _handler_class(self))
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # ----- knobs for tests --------------------------------------------------------------------
    @property
    def token_lifetime_seconds(self) -> int:
        """Lifetime of access tokens issued from now on."""
        return self.oauth.token_lifetime_seconds

    @token_lifetime_seconds.setter
    def token_lifetime_seconds(self, value: int) -> None:
        self.oauth.token_lifetime_seconds = value

    def disable_api(self, api: str) -> None:
        """Answer every ``api`` call ("calendar", "meet" or "drive") with the 403
        SERVICE_DISABLED Google sends when the API is not enabled in the OAuth client's Cloud
        project."""
        if api not in ("calendar", "meet", "drive"):
            raise ValueError(f"unknown API {api!r}")
        self.disabled_apis.add(api)

    def enable_api(self, api: str) -> None:
        """Undo :meth:`disable_api`."""
        self.disabled_apis.discard(api)

    def untick_at_consent(self, *scopes: str) -> None:
        """Have the consent page grant every requested scope but ``scopes``, as a user who
        unticks them under Google's granular consent; no argument ticks everything again."""
        self.oauth.unticked_scopes = frozenset(scopes)

    def revoke_refresh_tokens(self) -> None:
        """Revoke every refresh token (and its access tokens), as removing app access does."""
        self.oauth.revoke_all_refresh_tokens()

    def expire_access_tokens(self) -> None:
        """Make every issued access token expired now."""
        self.oauth.expire_all_access_tokens()

    def fail_token_requests(self, *faults: int | str) -> None:
        """Fail the next token-endpoint requests, one fault each: a 5xx (or 429) status with
        Google's body, or ``"reset"`` (the connection is reset without an answer)."""
        self.oauth.fail_token_requests(*faults)

    def enforce_policy(self, policy: str | None) -> None:
        """Have Google refuse the account's grants: ``"admin_policy_enforced"`` (a Workspace
        admin restricted the app), ``"policy_enforced"`` (Advanced Protection); None lifts it."""
        self.oauth.enforce_policy(policy)

    def delete_client(self, client_id: str) -> None:
        """Delete an OAuth client, as in the Cloud console: Google answers ``deleted_client``."""
        self.oauth.delete_client(client_id)

    def issue_token(
        self, scopes: tuple[str, ...] | list[str] | None = None, client_id: str | None = None
    ) -> str:
        """Mint an access token directly (skipping the consent flow), for tests."""
        default = (
            SCOPE_PREFIX + "calendar.readonly",
            SCOPE_PREFIX + "meetings.space.readonly",
            SCOPE_PREFIX + "drive.meet.readonly",
        )
        client = client_id or next(iter(self.oauth.clients))
        return self.oauth.mint(client, tuple(scopes or default))

    def reindex(self) -> None:
        """Rebuild indexes after editing stored resources' times in place."""
        self._indexes.fresh(force=True)

    def count(self, method_id: str) -> None:
        """Count one request for ``method_id``."""
        with self._counts_lock:
            self.request_counts[method_id] += 1

    def total_api_requests(self) -> int:
        """Requests to Calendar, Meet and Drive (OAuth endpoints excluded)."""
        with self._counts_lock:
            return sum(n for k, n in self.request_counts.items() if not k.startswith("oauth."))

    def reset_counts(self) -> None:
        """Forget every count."""
        with self._counts_lock:
            self.request_counts.clear()

    # ----- request handling -------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        """Serve one request (used by the HTTP handler; callable directly in tests)."""
        parts = urlsplit(target)
        path, params = parts.path, parse_qs(parts.query, keep_blank_values=True)
        route = match(method, path)
        self.count(route.method_id if route else "unknown")
        faults = self.faults
        if faults.latency_seconds > 0:
            time.sleep(faults.latency_seconds)
        api = route.api if route else api_of_path(path)
        if faults.applies_to(path, api == "oauth"):
            status = faults.roll()
            if status is not None:
                return _error_reply(injected_fault(api, status))
        if route is None:
            if api == "oauth":
                return Reply.json(404, {"error": "not_found"})
            return _error_reply(not_found(api))
        if route.api == "oauth":
            return self._oauth(route, params, headers, body)
        try:
            return self._api(route, params, headers)
        except ApiError as exc:
            return _error_reply(exc)

    def _oauth(self, route: Route, params: Params, headers: dict[str, str], body: bytes) -> Reply:
        query = {k: v[-1] for k, v in params.items()}
        if route.method_id == "oauth.auth":
            return self.oauth.authorize(query)
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if route.method_id == "oauth.revoke":
            return self.oauth.revoke(form.get("token") or query.get("token", ""))
        return self.oauth.token(form, _basic_auth(headers.get("authorization", "")))

    def _api(self, route: Route, params: Params, headers: dict[str, str]) -> Reply:
        api = route.api
        tree = _fields_tree(api, params)
        access = self._authorize(route, params, headers)
        quota = self.quota
        user = (api, access.client_id, self.workspace.account_email)
        if not quota.admit(user, route.method_id):
            raise quota_exceeded(api, quota.limit_of(api), CLOUD_PROJECT_NUMBER)
        scopes = tuple(access.scopes)
        if api == "meet" and not self.workspace.meet_api_enabled:
            raise meet_error(403, PERMISSION_DENIED)
        if api == "drive":
            drive = _DRIVE_HANDLERS[route.method_id](self.workspace, route.args, params, scopes)
            if isinstance(drive, Reply):
                return drive  # media (an export): no JSON, no field selection
            payload = drive
        else:
            indexes = self._indexes.fresh()
            payload = _HANDLERS[route.method_id](self.workspace, indexes, route.args, params)
        if tree is not None:
            payload = apply_fields(payload, tree)
        return Reply.json(200, payload, pretty=one(params, "prettyPrint") != "false")

    def _authorize(self, route: Route, params: Params, headers: dict[str, str]) -> AccessToken:
        """The request's valid access token (401/403 otherwise)."""
        api = route.api if route.api != "oauth" else "meet"
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else one(params, "access_token")
        access = self.oauth.lookup(token) if token else None
        if access is None:
            raise unauthenticated(api)
        if api in self.disabled_apis:
            raise service_disabled(api, CLOUD_PROJECT_NUMBER)
        if not set(required_scopes(route.method_id)) & set(access.scopes):
            raise insufficient_scope(api, route.method_id)
        return access


def _fields_tree(api: str, params: Params) -> Any:
    text = one(params, "fields")
    if text is None:
        return None
    try:
        return parse_fields(text)
    except FieldsSyntaxError:
        message = f"Invalid field selection {text}"
        if api in ("calendar", "drive"):
            raise calendar_error(
                400, "invalidParameter", message, location="fields", locationType="parameter"
            ) from None
        raise bad_request("meet", "Request contains an invalid argument.") from None


def _error_reply(error: ApiError) -> Reply:
    return Reply.json(error.status, error.body, error.headers)


def _basic_auth(header: str) -> tuple[str, str] | None:
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, password = decoded.partition(":")
    return unquote_plus(user), unquote_plus(password)


def _handler_class(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    class GoogleHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ESF"
        sys_version = ""

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without NODELAY, Nagle plus the
            # client's delayed ACK stalls every keep-alive response by ~40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                reply = emulator.handle(method, self.path, headers, body)
            except ResetConnection:
                self._reset()
                return
            except Exception as exc:
                reply = Reply.json(500, {"error": {"code": 500, "message": repr(exc)}})
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(reply.body)

        def _reset(self) -> None:
            """Close the connection with a TCP reset (SO_LINGER 0) instead of answering."""
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def log_message(self, format: str, *args: Any) -> None:
            return

    return GoogleHandler


__all__ = ["DEFAULT_CLIENTS", "Emulator", "FaultConfig", "QuotaConfig"]
