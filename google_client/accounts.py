"""The connection lifecycle users see: connect (OAuth consent), status, disconnect."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import google.oauth2.credentials
from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError, OAuth2Error

from google_client.api_client import GoogleClient
from google_client.config import ClientLimits, GoogleConfig, endpoints_of, require_client
from google_client.credentials import (
    CONNECT_AGAIN,
    REFUSAL_OF_STATUS,
    RefreshRefusedError,
    load_credentials,
)
from google_client.endpoints import loopback_http_allowed
from google_client.scopes import OPTIONAL_PERMISSIONS, REQUIRED_PERMISSIONS, SCOPES
from google_client.setup_errors import SetupError
from google_client.token_store import ACTIVE, STATUS_LABELS, StoredConnection, TokenStore

log = logging.getLogger(__name__)

REVOKE_TIMEOUT_SECONDS = 10

# Google redirects the browser to a port on this machine's loopback interface, where the
# flow listens: the browser that consents must run on this machine.
BROWSER_MESSAGE = (
    "Your browser opens Google's consent page. If it does not, open this URL in a browser "
    "on this machine:\n{url}\n"
)
NO_BROWSER_MESSAGE = (
    "Open this URL in a browser on this machine (Google sends the answer to meetsync at a "
    "loopback address, http://localhost, which a browser elsewhere cannot reach):\n{url}\n"
)
SUCCESS_MESSAGE = "meetsync is connected to Google. You can close this tab."
PERMISSIONS_PAGE = "https://myaccount.google.com/permissions"


class ConnectError(SetupError):
    """Consent finished but left nothing meetsync can use."""


@dataclass(frozen=True)
class ConnectionStatus:
    label: str  # "Active", "Not connected", or how Google refused (token_store.STATUS_LABELS)
    account_email: str | None
    exit_code: int
    note: str = ""  # what the connection cannot do, or what to do next

    def __str__(self) -> str:
        text = f"{self.label} {self.account_email}" if self.account_email else self.label
        return text + self.note


NOT_CONNECTED = ConnectionStatus("Not connected", None, 1, f": {CONNECT_AGAIN}")


def connect(
    config: GoogleConfig,
    *,
    open_browser: bool = True,
    browser: str | None = None,
    timeout_seconds: float | None,
) -> StoredConnection:
    """Run Google's installed-app consent flow and store the resulting connection.

    Consent is always asked for again (``prompt=consent``): Google sends a refresh token only
    for a consent, and a machine without the stored connection has none. The connection
    keeps the scopes Google granted; without the required ones nothing is stored.
    """
    client_id, client_secret = require_client(config)
    endpoints = endpoints_of(config)
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
    message = BROWSER_MESSAGE if open_browser else NO_BROWSER_MESSAGE
    with loopback_http_allowed(endpoints):
        credentials = _consent(
            flow,
            host="localhost",
            port=0,
            open_browser=open_browser,
            browser=browser,
            authorization_prompt_message=message + _waiting(timeout_seconds),
            success_message=SUCCESS_MESSAGE,
            timeout_seconds=timeout_seconds,
            access_type="offline",
            prompt="consent",
        )
    if not credentials.refresh_token:
        raise ConnectError(f"Google returned no refresh token for this consent: {CONNECT_AGAIN}")
    granted = tuple(credentials.granted_scopes or SCOPES)
    missing = [p for p in REQUIRED_PERMISSIONS if p.scope not in granted]
    if missing:
        names = " and ".join(f"{p.name} ({p.scope})" for p in missing)
        raise ConnectError(
            f"Google did not grant {names}, which meetsync needs: {CONNECT_AGAIN} again and "
            "leave it ticked on Google's consent page"
        )
    email = GoogleClient(credentials, endpoints, ClientLimits.of(config)).primary_calendar_id()
    connection = StoredConnection(
        account_email=email,
        refresh_token=credentials.refresh_token,
        client_id=client_id,
        token_uri=endpoints.token_uri,
        scopes=granted,
        access_token=credentials.token,
        expiry=credentials.expiry,
    )
    TokenStore(config.home).save(connection)
    return connection


def _consent(flow: InstalledAppFlow, **options) -> google.oauth2.credentials.Credentials:
    """The credentials of one consent, whichever scopes the user left ticked."""
    try:
        return flow.run_local_server(**options)
    except Warning as changed:
        # oauthlib refuses a token whose scopes differ from the ones asked for ("Scope has
        # changed"); with granular consent that is the user's choice, and the token's own
        # scope says what Google granted.
        token = getattr(changed, "token", None)
        if not isinstance(token, dict) or "access_token" not in token:
            raise
        flow.oauth2session.token = token
        return flow.credentials
    except WSGITimeoutError:
        waited = _duration(options["timeout_seconds"])
        raise ConnectError(
            f"No answer from Google's consent page in {waited}: {CONNECT_AGAIN}"
        ) from None
    except AccessDeniedError:
        raise ConnectError(
            f"Access was denied on Google's consent page: {CONNECT_AGAIN} and allow Calendar access"
        ) from None
    except OAuth2Error as error:
        raise ConnectError(
            f"Google refused the consent ({error.error}: {error.description}): check "
            f"GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, then {CONNECT_AGAIN}"
        ) from None


def _waiting(timeout_seconds: float | None) -> str:
    if timeout_seconds is None:
        return "Waiting for Google's answer (Ctrl-C to stop)..."
    return f"Waiting up to {_duration(timeout_seconds)} for Google's answer (Ctrl-C to stop)..."


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "no time limit"
    if seconds >= 120 and seconds % 60 == 0:
        return f"{int(seconds // 60)} minutes"
    return "1 second" if seconds == 1 else f"{seconds:g} seconds"


def missing_permissions_note(granted: tuple[str, ...] | frozenset[str]) -> str:
    """What a connection lacking optional scopes cannot do, and how to grant them; '' when
    every optional scope was granted."""
    missing = [p for p in OPTIONAL_PERMISSIONS if p.scope not in granted]
    if not missing:
        return ""
    reach = "calendar only" if len(missing) == len(OPTIONAL_PERMISSIONS) else "limited"
    lost = "; ".join(p.without for p in missing)
    names = " and ".join(p.name for p in missing)
    return f" ({reach}: {lost}; {CONNECT_AGAIN} to grant {names})"


def status_of(connection: StoredConnection) -> ConnectionStatus:
    """How ``meetsync status`` shows a stored connection: Active (and what it may read), or
    the refusal Google answered last time, with what to do next."""
    label = STATUS_LABELS.get(connection.status, connection.status)
    if connection.status == ACTIVE:
        note = missing_permissions_note(connection.scopes)
        return ConnectionStatus(label, connection.account_email, 0, note)
    refusal = REFUSAL_OF_STATUS.get(connection.status)
    next_step = refusal.next_step if refusal is not None else CONNECT_AGAIN
    return ConnectionStatus(label, connection.account_email, 2, f": {next_step}")


def connection_status(config: GoogleConfig, *, check: bool = False) -> ConnectionStatus:
    """The stored status; with ``check``, confirm it with Google (refreshing the token). A
    refusal Google answers now is recorded, and shown like a stored one."""
    store = TokenStore(config.home)
    connection = store.load()
    if connection is None:
        return NOT_CONNECTED
    if check and connection.status == ACTIVE:
        client = require_client(config)
        endpoints = endpoints_of(config)
        limits = ClientLimits.of(config)
        try:
            credentials = load_credentials(store, client, endpoints.token_uri, limits.retry)
            GoogleClient(credentials, endpoints, limits).primary_calendar_id()
        except RefreshRefusedError:
            connection = store.load() or connection
    return status_of(connection)


@dataclass(frozen=True)
class Disconnection:
    """What ``disconnect`` did: the local tokens are always deleted; ``revoked`` says whether
    Google revoked the grant, ``problem`` why not ("" when it did)."""

    account_email: str
    revoked: bool
    problem: str = ""

    def __str__(self) -> str:
        if self.revoked:
            return f"Disconnected {self.account_email}; imported meetings stay in DuckDB."
        return (
            f"Deleted the local tokens of {self.account_email} and kept imported meetings, but "
            f"{self.problem}: remove it at {PERMISSIONS_PAGE}"
        )


def disconnect(config: GoogleConfig) -> Disconnection | None:
    """Revoke the grant at Google and delete the local tokens (deleted even when Google could
    not be reached). Imported data stays. None when nothing was connected."""
    store = TokenStore(config.home)
    connection = store.load()
    if connection is None:
        return None
    problem = _revoke(endpoints_of(config).revoke_uri, connection.refresh_token)
    store.delete()
    return Disconnection(connection.account_email, problem is None, problem or "")


def _revoke(revoke_uri: str, token: str) -> str | None:
    """Revoke ``token`` (and the grant behind it) at Google: None when Google did, else what
    kept it from doing so, on one line. A token Google no longer knows ("invalid_token": it
    was revoked or expired already) counts as revoked."""
    body = urllib.parse.urlencode({"token": token}).encode()
    request = urllib.request.Request(
        revoke_uri,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=REVOKE_TIMEOUT_SECONDS):
            return None
    except urllib.error.HTTPError as error:
        code, description = _revoke_error(error)
        if error.code == 400 and code == "invalid_token":
            return None
        said = f" ({code}: {description})" if code and description else f" ({code})" if code else ""
        return f"Google answered HTTP {error.code} when asked to revoke meetsync's access{said}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = " ".join(str(getattr(error, "reason", None) or error).split())
        reason = reason or type(error).__name__
        return f"Google could not be reached to revoke meetsync's access ({reason})"


def _revoke_error(error: urllib.error.HTTPError) -> tuple[str, str]:
    try:
        data = json.loads(error.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError, OSError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("error") or ""), " ".join(str(data.get("error_description") or "").split())
