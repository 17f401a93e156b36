"""The connection lifecycle users see: connect (OAuth consent), status, disconnect."""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from google_auth_oauthlib.flow import InstalledAppFlow

from resources.credentials import ReconnectRequiredError, load_credentials
from resources.google_api import GoogleApiClient
from resources.settings import SCOPES, Settings, allow_loopback_http
from resources.token_store import ACTIVE, STATUS_LABELS, StoredConnection, TokenStore

log = logging.getLogger(__name__)

PROMPT_MESSAGE = "Open this URL in a browser to connect meetsync to Google:\n{url}"
SUCCESS_MESSAGE = "meetsync is connected to Google. You can close this tab."


class ConnectError(RuntimeError):
    """Consent finished but left nothing meetsync can use."""


@dataclass(frozen=True)
class ConnectionStatus:
    label: str  # "Active", "Reconnect required" or "Not connected"
    account_email: str | None
    exit_code: int

    def __str__(self) -> str:
        return f"{self.label} {self.account_email}" if self.account_email else self.label


NOT_CONNECTED = ConnectionStatus("Not connected", None, 1)


def connect(
    settings: Settings,
    *,
    open_browser: bool = True,
    browser: str | None = None,
    timeout_seconds: float | None = 600,
) -> StoredConnection:
    """Run Google's installed-app consent flow and store the resulting connection."""
    client_id, client_secret = settings.require_client()
    endpoints = settings.endpoints
    allow_loopback_http(endpoints)
    store = TokenStore(settings.home)
    already_connected = store.load() is not None
    flow = InstalledAppFlow.from_client_config(
        {
            "installed": {
                "client_id": client_id,
                "client_secret": client_secret,
                "auth_uri": endpoints.auth_uri,
                "token_uri": endpoints.token_uri,
                "redirect_uris": ["http://localhost"],
            }
        },
        scopes=list(SCOPES),
    )
    extra = {"prompt": "consent"} if already_connected else {}
    credentials = flow.run_local_server(
        host="localhost",
        port=0,
        open_browser=open_browser,
        browser=browser,
        authorization_prompt_message=PROMPT_MESSAGE,
        success_message=SUCCESS_MESSAGE,
        timeout_seconds=timeout_seconds,
        access_type="offline",
        **extra,
    )
    if not credentials.refresh_token:
        raise ConnectError(
            "Google returned no refresh token for this consent. "
            "Run `meetsync disconnect`, then `meetsync connect` again."
        )
    granted = set(credentials.granted_scopes or SCOPES)
    missing = set(SCOPES) - granted
    if missing:
        raise ConnectError(
            "Consent did not grant every scope meetsync needs: " + ", ".join(sorted(missing))
        )
    email = GoogleApiClient(credentials, endpoints).primary_calendar_id()
    connection = StoredConnection(
        account_email=email,
        refresh_token=credentials.refresh_token,
        client_id=client_id,
        token_uri=endpoints.token_uri,
        scopes=tuple(SCOPES),
        access_token=credentials.token,
        expiry=credentials.expiry,
    )
    store.save(connection)
    return connection


def connection_status(settings: Settings, *, check: bool = False) -> ConnectionStatus:
    """The stored status; with ``check``, confirm it with Google (refreshing the token)."""
    store = TokenStore(settings.home)
    connection = store.load()
    if connection is None:
        return NOT_CONNECTED
    if check and connection.status == ACTIVE:
        _, client_secret = settings.require_client()
        allow_loopback_http(settings.endpoints)
        try:
            credentials = load_credentials(store, client_secret, settings.endpoints.token_uri)
            GoogleApiClient(credentials, settings.endpoints).primary_calendar_id()
        except ReconnectRequiredError:
            connection = store.load() or connection
    exit_code = 0 if connection.status == ACTIVE else 2
    return ConnectionStatus(STATUS_LABELS[connection.status], connection.account_email, exit_code)


def disconnect(settings: Settings) -> StoredConnection | None:
    """Revoke the token at Google (best effort) and delete it. Imported data stays."""
    store = TokenStore(settings.home)
    connection = store.load()
    if connection is None:
        return None
    _revoke(settings.endpoints.revoke_uri, connection.refresh_token)
    store.delete()
    return connection


def _revoke(revoke_uri: str, token: str) -> None:
    body = urllib.parse.urlencode({"token": token}).encode()
    request = urllib.request.Request(
        revoke_uri,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10):
            pass
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        # Already revoked, or Google unreachable: the local tokens are deleted either way.
        log.info("Token revocation at Google did not succeed: %s", type(error).__name__)
