"""google-auth credentials backed by the token store: refreshed once for all threads, retried
on transient failures, persisted; Google's lasting refusals become one-line setup errors."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import ClassVar

import google.auth._helpers
import google.auth.exceptions
import google.oauth2._client
import google.oauth2.credentials

from google_client.retry import CONNECTION_ERRORS, RETRYABLE_STATUSES, RetryPolicy
from google_client.setup_errors import SetupError
from google_client.token_store import (
    ACTIVE,
    ADMIN_POLICY,
    ADVANCED_PROTECTION,
    CLIENT_MISMATCH,
    CLIENT_REJECTED,
    RECONNECT_REQUIRED,
    STATUS_LABELS,
    StoredConnection,
    TokenStore,
)

log = logging.getLogger(__name__)

CONNECT_AGAIN = "run meetsync connect"
RECONNECT_MESSAGE = f"Google connection needs reconnecting: {CONNECT_AGAIN}"
# What a refresh may fail with for a moment: the network (google-auth's TransportError; a
# connection reset reaches us as the socket's own error through httplib2), or a token-endpoint
# answer google-auth calls retryable, or a status the API calls retry (RETRYABLE_STATUSES).
TRANSIENT_ERRORS = (google.auth.exceptions.TransportError, *CONNECTION_ERRORS)


class RefreshRefusedError(SetupError):
    """Google's token endpoint refused the stored refresh token for good.

    Each subclass is one of Google's refusals: the OAuth ``codes`` it stands for, the
    connection ``status`` the token store records (so ``meetsync status`` shows it without
    asking Google), a ``headline`` and the ``next_step``. The message is one line:
    ``<headline> (<Google's code: description>): <next step>``.
    """

    codes: ClassVar[frozenset[str]] = frozenset()
    status: ClassVar[str] = ""
    headline: ClassVar[str] = ""
    next_step: ClassVar[str] = ""

    def __init__(self, said: str = "") -> None:
        super().__init__(f"{self.headline} ({said}): {self.next_step}" if said else self.text())

    @classmethod
    def text(cls) -> str:
        """The line without Google's words: what a stored refusal says."""
        return f"{cls.headline}: {cls.next_step}"

    @classmethod
    def label(cls) -> str:
        return STATUS_LABELS[cls.status]


class ReconnectRequiredError(RefreshRefusedError):
    """Google refused the refresh token (``invalid_grant``: revoked, expired, unused for six
    months, or more than 100 live for this client and account)."""

    codes = frozenset({"invalid_grant"})
    status = RECONNECT_REQUIRED
    headline = "Google connection needs reconnecting"
    next_step = CONNECT_AGAIN

    def __init__(self, message: str = RECONNECT_MESSAGE) -> None:
        SetupError.__init__(self, message)


class OAuthClientRejectedError(RefreshRefusedError):
    """``invalid_client`` / ``deleted_client``: Google does not know the OAuth client, or its
    secret is not this one (the client was deleted or recreated, or its secret rotated)."""

    codes = frozenset({"invalid_client", "deleted_client"})
    status = CLIENT_REJECTED
    headline = "Google rejected the OAuth client"
    next_step = (
        "it was deleted or its secret changed; check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, "
        f"then {CONNECT_AGAIN}"
    )


class OAuthClientMismatchError(RefreshRefusedError):
    """``unauthorized_client``: the refresh token was issued to another OAuth client than the
    configured one."""

    codes = frozenset({"unauthorized_client"})
    status = CLIENT_MISMATCH
    headline = "Google refused the stored connection for this OAuth client"
    next_step = (
        "it was made with another client; set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET back "
        f"to that client, or {CONNECT_AGAIN}"
    )


class AdminPolicyError(RefreshRefusedError):
    """``admin_policy_enforced``: the account's Google Workspace admin does not allow this app
    (or one of its scopes)."""

    codes = frozenset({"admin_policy_enforced"})
    status = ADMIN_POLICY
    headline = "A Google Workspace admin's policy blocks meetsync for this account"
    next_step = (
        "ask the admin to allow the app (Admin console > Security > API controls), "
        f"then {CONNECT_AGAIN}"
    )


class AdvancedProtectionError(RefreshRefusedError):
    """``policy_enforced``: the account is in Google's Advanced Protection Program, which has
    not approved this app."""

    codes = frozenset({"policy_enforced"})
    status = ADVANCED_PROTECTION
    headline = "Google's Advanced Protection Program blocks meetsync for this account"
    next_step = (
        "ask the Workspace admin to trust the app, or leave Advanced Protection, "
        f"then {CONNECT_AGAIN}"
    )


REFUSALS: tuple[type[RefreshRefusedError], ...] = (
    ReconnectRequiredError,
    OAuthClientRejectedError,
    OAuthClientMismatchError,
    AdminPolicyError,
    AdvancedProtectionError,
)
REFUSAL_OF_STATUS = {refusal.status: refusal for refusal in REFUSALS}


class RefreshFailedError(SetupError):
    """The token endpoint refused a refresh in a way meetsync does not know."""

    def __init__(self, said: str) -> None:
        super().__init__(f"Google refused to refresh the access token ({said}): {CONNECT_AGAIN}")


class TokenEndpointUnavailableError(SetupError):
    """The token endpoint stayed unreachable (or overloaded) for every attempt."""

    def __init__(self, attempts: int, why: str) -> None:
        super().__init__(
            f"Google's token endpoint did not answer in {attempts} attempts (last: {why}): "
            "check the network, then run again"
        )


class NotConnectedError(SetupError):
    """No Google connection is stored."""

    def __init__(self) -> None:
        super().__init__(f"No Google connection: {CONNECT_AGAIN}")


def oauth_error(error: google.auth.exceptions.RefreshError) -> tuple[str, str]:
    """The ``error`` code and ``error_description`` of the token endpoint's answer ("" when
    the answer was not an OAuth error body)."""
    data = error.args[1] if len(error.args) > 1 else None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"], " ".join(str(data.get("error_description") or "").split())
    return "", ""


def refusal_of(error: google.auth.exceptions.RefreshError) -> RefreshRefusedError | None:
    """The setup error of a lasting refusal, or None when the code is none of those."""
    code, description = oauth_error(error)
    for refusal in REFUSALS:
        if code in refusal.codes:
            said = f"{code}: {description}" if description else code
            return refusal() if refusal is ReconnectRequiredError else refusal(said)
    return None


def is_invalid_grant(error: google.auth.exceptions.RefreshError) -> bool:
    return oauth_error(error)[0] == "invalid_grant"


class StoredCredentials(google.oauth2.credentials.Credentials):
    """User credentials that many worker threads share.

    Every worker's HTTP object applies the same token; when it expires (or Google answers 401)
    only the first worker to notice refreshes, the others reuse the new token. A refreshed
    access token is written back to the store; the refresh token never changes.

    A refresh that fails for a moment (the network, a token-endpoint 5xx or 429) is retried
    with the API calls' :class:`RetryPolicy`. It is the only retry: google-auth's own loop
    (three POSTs a second or two apart for 500, 503, 504, 408, 429 or an ``internal_failure``
    / ``server_error`` / ``temporarily_unavailable`` body) is switched off with
    ``can_retry=False``, and google-auth retries no network error. A lasting refusal is
    recorded in the store and raised as its :class:`RefreshRefusedError`.
    """

    def __init__(
        self,
        connection: StoredConnection,
        client: tuple[str, str],
        store: TokenStore,
        token_uri: str,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ):
        super().__init__(
            token=connection.access_token,
            refresh_token=connection.refresh_token,
            token_uri=token_uri,
            client_id=client[0],
            client_secret=client[1],
            scopes=list(connection.scopes),
            granted_scopes=list(connection.scopes),
            expiry=connection.expiry,
        )
        self._store = store
        self.account_email = connection.account_email
        self._retry = retry
        self._sleep = sleep
        self._refresh_lock = threading.Lock()
        self._applied = threading.local()
        self.refresh_count = 0
        self.refresh_retries = 0
        self._refused: type[RefreshRefusedError] | None = None
        self._outages = 0  # refreshes that ran out of attempts
        self._outage: tuple[int, str] | None = None  # the last one's attempts and cause
        self._lifetime: timedelta | None = None

    @property
    def expired(self) -> bool:
        """Expired a little before the real expiry: google-auth's 3m45s margin, or a quarter
        of the token's lifetime when tokens live shorter than that (else every request of a
        short-lived token would refresh)."""
        if not self.expiry:
            return False
        margin = google.auth._helpers.REFRESH_THRESHOLD
        if self._lifetime is not None:
            margin = min(margin, self._lifetime / 4)
        return google.auth._helpers.utcnow() >= self.expiry - margin

    def apply(self, headers, token=None):
        self._applied.token = token or self.token
        super().apply(headers, token)

    def refresh(self, request):
        outages = self._outages
        with self._refresh_lock:
            if self._refused is not None:
                raise self._refused()
            if self._outages != outages and self._outage is not None:
                # the refresh this worker waited for ran out of attempts: no second round
                raise TokenEndpointUnavailableError(*self._outage)
            seen = getattr(self._applied, "token", None)
            if self.valid and self.token != seen:
                return  # another worker refreshed while this one waited
            refresh_token = self.refresh_token
            self._refresh_with_retries(request, refresh_token)
            self.refresh_count += 1
            if self.expiry:
                self._lifetime = self.expiry - google.auth._helpers.utcnow()
            log.info("Refreshed the Google access token")
            self._store.update_tokens(refresh_token, self.token, self.expiry)

    def _refresh_with_retries(self, request, refresh_token: str) -> None:
        attempts = self._retry.max_attempts
        for attempt in range(attempts):
            statuses: list[int] = []
            try:
                self._grant(_recording(request, statuses))
                return
            except google.auth.exceptions.RefreshError as error:
                refusal = refusal_of(error)
                if refusal is not None:
                    self._refused = type(refusal)
                    self._store.mark_refused(refresh_token, refusal.status)
                    raise refusal from None
                status = statuses[-1] if statuses else None
                if not (error.retryable or status in RETRYABLE_STATUSES):
                    code, description = oauth_error(error)
                    said = f"{code}: {description}" if code else _one_line(error.args[0])
                    raise RefreshFailedError(said) from None
                why = f"HTTP {status}" if status else "a retryable answer"
            except TRANSIENT_ERRORS as error:
                why = type(error).__name__
            if attempt + 1 == attempts:
                self._outages += 1
                self._outage = (attempts, why)
                raise TokenEndpointUnavailableError(attempts, why) from None
            delay = self._retry.delay(attempt)
            self.refresh_retries += 1
            log.warning(
                "Refreshing the Google access token failed with %s (attempt %d of %d); "
                "retrying in %.2fs",
                why,
                attempt + 1,
                attempts,
                delay,
            )
            self._sleep(delay)

    def _grant(self, request) -> None:
        """One POST to the token endpoint (google-auth's own retries off), its answer kept."""
        access_token, _, expiry, grant = google.oauth2._client.refresh_grant(
            request,
            self.token_uri,
            self.refresh_token,
            self.client_id,
            self.client_secret,
            scopes=self.scopes,
            can_retry=False,
        )
        self.token, self.expiry = access_token, expiry
        if isinstance(grant.get("scope"), str):
            self._granted_scopes = grant["scope"].split()


def _recording(request, statuses: list[int]):
    """``request`` that notes each answer's HTTP status in ``statuses``."""

    def send(*args, **kwargs):
        response = request(*args, **kwargs)
        statuses.append(response.status)
        return response

    return send


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:300]


def load_credentials(
    store: TokenStore, client: tuple[str, str], token_uri: str, retry: RetryPolicy
) -> StoredCredentials:
    """Credentials for the stored connection, refreshed with the configured OAuth ``client``
    (id and secret; Google says ``unauthorized_client`` when the connection was made with
    another) at ``token_uri`` (the current settings' endpoint, not the one of connect time)
    with ``retry``, or a clear error when there is none or Google refused it for good."""
    connection = store.load()
    if connection is None:
        raise NotConnectedError()
    if connection.status != ACTIVE:
        raise REFUSAL_OF_STATUS.get(connection.status, ReconnectRequiredError)()
    return StoredCredentials(connection, client, store, token_uri, retry)
