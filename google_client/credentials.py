"""google-auth credentials backed by the token store: refreshed once for all threads, persisted."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import google.auth._helpers
import google.auth.exceptions
import google.oauth2.credentials

from google_client.setup_errors import SetupError
from google_client.token_store import StoredConnection, TokenStore

log = logging.getLogger(__name__)

RECONNECT_MESSAGE = "Google connection needs reconnecting: run meetsync connect"


class ReconnectRequiredError(SetupError):
    """Google refused the refresh token (revoked, expired, or the password changed)."""

    def __init__(self, message: str = RECONNECT_MESSAGE) -> None:
        super().__init__(message)


class NotConnectedError(SetupError):
    """No Google connection is stored."""

    def __init__(self) -> None:
        super().__init__("No Google connection: run meetsync connect")


def is_invalid_grant(error: google.auth.exceptions.RefreshError) -> bool:
    return any("invalid_grant" in str(arg) for arg in error.args)


class StoredCredentials(google.oauth2.credentials.Credentials):
    """User credentials that many worker threads share.

    Every worker's HTTP object applies the same token; when it expires (or Google answers 401)
    only the first worker to notice refreshes, the others reuse the new token. A refreshed
    access token is written back to the store; the refresh token never changes.
    """

    def __init__(
        self, connection: StoredConnection, client_secret: str, store: TokenStore, token_uri: str
    ):
        super().__init__(
            token=connection.access_token,
            refresh_token=connection.refresh_token,
            token_uri=token_uri,
            client_id=connection.client_id,
            client_secret=client_secret,
            scopes=list(connection.scopes),
            granted_scopes=list(connection.scopes),
            expiry=connection.expiry,
        )
        self._store = store
        self.account_email = connection.account_email
        self._refresh_lock = threading.Lock()
        self._applied = threading.local()
        self.refresh_count = 0
        self._refused = False
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
        with self._refresh_lock:
            if self._refused:
                raise ReconnectRequiredError()
            seen = getattr(self._applied, "token", None)
            if self.valid and self.token != seen:
                return  # another worker refreshed while this one waited
            refresh_token = self.refresh_token
            try:
                super().refresh(request)
            except google.auth.exceptions.RefreshError as error:
                if is_invalid_grant(error):
                    self._refused = True
                    self._store.mark_reconnect_required(refresh_token)
                    raise ReconnectRequiredError() from None
                raise
            self.refresh_count += 1
            if self.expiry:
                self._lifetime = self.expiry - google.auth._helpers.utcnow()
            log.info("Refreshed the Google access token")
            self._store.update_tokens(refresh_token, self.token, self.expiry)


def load_credentials(store: TokenStore, client_secret: str, token_uri: str) -> StoredCredentials:
    """Credentials for the stored connection, refreshed at ``token_uri`` (the current
    settings' endpoint, not the one of connect time), or a clear error when there is none."""
    connection = store.load()
    if connection is None:
        raise NotConnectedError()
    if connection.status != "active":
        raise ReconnectRequiredError()
    return StoredCredentials(connection, client_secret, store, token_uri)
