"""Google's OAuth 2.0 endpoints for installed apps: auth (auto-consent), token and revoke.

Mirrors Google's rules: codes are single use and bound to client, redirect URI and PKCE
challenge; a refresh token is issued only for ``access_type=offline`` on the first grant or
when ``prompt`` includes ``consent``; revoking a refresh token revokes its access tokens.
Under granular consent the user may untick scopes (``unticked_scopes``): the code, the token
response's ``scope`` and the grant then hold only the scopes left ticked, and unticking every
one denies access.

The token endpoint refuses as Google's does, with a JSON ``{"error", "error_description"}``
body: 401 ``invalid_client`` (unknown client or wrong secret), 401 ``deleted_client`` (a
deleted client), 401 ``unauthorized_client`` (a refresh token issued to another client), 400
``invalid_grant`` (revoked or expired), 400 ``admin_policy_enforced`` (a Workspace admin
restricted the app) and 400 ``policy_enforced`` (Advanced Protection). It can also fail for a
moment: :meth:`OAuthServer.fail_token_requests` queues 5xx answers and connection resets.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from emulator.wire.errors import injected_fault
from emulator.wire.reply import Reply

CODE_LIFETIME_SECONDS = 600
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
RESET = "reset"  # a token-endpoint fault: the connection is reset, nothing is answered
# Policies that make Google refuse the account's grants (the consent page and every refresh):
# the code Google answers, and its description.
POLICY_REFUSALS = {
    "admin_policy_enforced": (
        "Access to your account data is restricted by policies within your organization. "
        "Please contact the administrator of your organization for more information."
    ),
    "policy_enforced": "This app is not approved by Advanced Protection.",
}


class ResetConnection(Exception):
    """Raised instead of answering: the HTTP server resets the connection (TCP RST)."""


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    challenge: str | None
    method: str
    issue_refresh: bool
    expires_at: float
    used: bool = False


@dataclass
class _Refresh:
    client_id: str
    scopes: tuple[str, ...]
    revoked: bool = False
    access_tokens: list[str] = field(default_factory=list)


@dataclass
class AccessToken:
    """An issued access token."""

    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    refresh_token: str | None
    revoked: bool = False

    def valid(self) -> bool:
        """Neither revoked nor expired."""
        return not self.revoked and time.time() < self.expires_at


class OAuthError(Exception):
    """A token-endpoint error: ``{"error", "error_description"}`` with a status."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.reply = Reply.json(status, {"error": error, "error_description": description})


def _error_page(status: int, error: str, detail: str) -> Reply:
    error, detail = html.escape(error), html.escape(detail)
    body = (
        f"<!doctype html><html><head><title>Error {status} ({error})</title></head><body>"
        f"<h1>Access blocked: Authorization Error</h1><p>{detail}</p>"
        f"<p><b>Error {status}: {error}</b></p></body></html>"
    )
    return Reply.html(status, body)


def is_loopback_redirect(uri: str) -> bool:
    """Whether ``uri`` is an ``http://`` loopback URL, the only redirect installed apps get."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS


def pkce_matches(verifier: str, challenge: str, method: str) -> bool:
    """Whether ``verifier`` answers ``challenge`` (S256 or plain)."""
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        return secrets.compare_digest(computed, challenge)
    return secrets.compare_digest(verifier, challenge)


class OAuthServer:
    """Issued codes and tokens for the workspace's single user; thread-safe."""

    def __init__(self, clients: dict[str, str], token_lifetime_seconds: int = 3600) -> None:
        self.clients = dict(clients)
        self.token_lifetime_seconds = token_lifetime_seconds
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._access: dict[str, AccessToken] = {}
        self._granted: dict[str, set[str]] = {}  # client -> scopes with a live offline grant
        self.unticked_scopes: frozenset[str] = frozenset()  # what the user unticks at consent
        self.deleted_clients: set[str] = set()  # deleted in the Cloud console
        self.policy: str | None = None  # a key of POLICY_REFUSALS that applies to the account
        self._token_faults: deque[int | str] = deque()

    # ----- how the token endpoint fails -------------------------------------------------------
    def fail_token_requests(self, *faults: int | str) -> None:
        """Answer the next token requests with these faults, one each, in order: an HTTP
        status (5xx, or 429) with Google's ``internal_failure`` body, or :data:`RESET`."""
        for fault in faults:
            if fault != RESET and not (isinstance(fault, int) and (fault >= 500 or fault == 429)):
                raise ValueError(f"not a transient token-endpoint fault: {fault!r}")
        with self._lock:
            self._token_faults.extend(faults)

    def enforce_policy(self, policy: str | None) -> None:
        """Have Google refuse this account's grants for ``policy`` (a key of
        :data:`POLICY_REFUSALS`), or lift it (None)."""
        if policy is not None and policy not in POLICY_REFUSALS:
            raise ValueError(f"unknown policy {policy!r}")
        self.policy = policy

    def delete_client(self, client_id: str) -> None:
        """The OAuth client was deleted: Google answers ``deleted_client`` for it."""
        self.deleted_clients.add(client_id)

    # ----- /o/oauth2/auth ---------------------------------------------------------------------
    def authorize(self, query: dict[str, str]) -> Reply:
        """Auto-approve the consent screen and redirect back with a code."""
        client_id = query.get("client_id", "")
        if client_id in self.deleted_clients:
            return _error_page(401, "deleted_client", "The OAuth client was deleted.")
        if client_id not in self.clients:
            return _error_page(400, "invalid_client", "The OAuth client was not found.")
        if self.policy is not None:
            return _error_page(400, self.policy, POLICY_REFUSALS[self.policy])
        redirect_uri = query.get("redirect_uri", "")
        if not is_loopback_redirect(redirect_uri):
            detail = f"You can't sign in to this app: redirect_uri={redirect_uri!r}"
            return _error_page(400, "redirect_uri_mismatch", detail)
        if query.get("response_type") != "code":
            return self._redirect_error(query, "unsupported_response_type")
        scopes = tuple(query.get("scope", "").split())
        if not scopes:
            return _error_page(400, "invalid_request", "Missing required parameter: scope")
        method = query.get("code_challenge_method", "plain")
        if method not in ("S256", "plain"):
            return _error_page(400, "invalid_request", "Invalid code_challenge_method")
        return self._approve(query, client_id, redirect_uri, scopes, method)

    def _approve(
        self,
        query: dict[str, str],
        client_id: str,
        redirect_uri: str,
        scopes: tuple[str, ...],
        method: str,
    ) -> Reply:
        offline = query.get("access_type") == "offline"
        consent = "consent" in query.get("prompt", "").split()
        scopes = tuple(s for s in scopes if s not in self.unticked_scopes)
        if not scopes:
            return self._redirect_error(query, "access_denied")
        with self._lock:
            previous = self._granted.get(client_id, set())
            if query.get("include_granted_scopes") == "true":
                scopes = tuple(dict.fromkeys(scopes + tuple(sorted(previous))))
            code = "4/0A" + secrets.token_urlsafe(48)
            self._codes[code] = _Code(
                client_id,
                redirect_uri,
                scopes,
                query.get("code_challenge"),
                method,
                offline and (client_id not in self._granted or consent),
                time.time() + CODE_LIFETIME_SECONDS,
            )
        params = {"code": code, "scope": " ".join(scopes), "authuser": "0"}
        params["prompt"] = "consent" if consent or client_id not in self._granted else "none"
        if "state" in query:
            params = {"state": query["state"], **params}
        return Reply.redirect(_with_query(redirect_uri, params))

    def _redirect_error(self, query: dict[str, str], error: str) -> Reply:
        params = {"error": error}
        if "state" in query:
            params["state"] = query["state"]
        return Reply.redirect(_with_query(query["redirect_uri"], params))

    # ----- /token -----------------------------------------------------------------------------
    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> Reply:
        """Exchange a code or refresh token for an access token (or fail as queued)."""
        with self._lock:
            fault = self._token_faults.popleft() if self._token_faults else None
        if fault == RESET:
            raise ResetConnection()
        if isinstance(fault, int):
            error = injected_fault("oauth", fault)
            return Reply.json(error.status, error.body, error.headers)
        try:
            client_id = self._authenticate(form, basic)
            grant = form.get("grant_type", "")
            if grant == "authorization_code":
                return self._exchange_code(client_id, form)
            if grant == "refresh_token":
                return self._refresh_grant(client_id, form)
            if not grant:
                raise OAuthError(400, "invalid_request", "Missing required parameter: grant_type")
            raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")
        except OAuthError as exc:
            return exc.reply

    def _authenticate(self, form: dict[str, str], basic: tuple[str, str] | None) -> str:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if basic is not None:
            if client_id and client_id != basic[0]:
                raise OAuthError(400, "invalid_request", "client_id mismatch")
            client_id, secret = basic
        if not client_id:
            raise OAuthError(400, "invalid_request", "Could not determine client ID from request.")
        if client_id in self.deleted_clients:
            raise OAuthError(401, "deleted_client", "The OAuth client was deleted.")
        if client_id not in self.clients:
            raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
        if secret != self.clients[client_id]:
            raise OAuthError(401, "invalid_client", "Unauthorized")
        return client_id

    def _exchange_code(self, client_id: str, form: dict[str, str]) -> Reply:
        code_text = form.get("code", "")
        with self._lock:
            code = self._codes.get(code_text)
            if code is None:
                detail = "Bad Request" if code_text.startswith("4/") else "Malformed auth code."
                raise OAuthError(400, "invalid_grant", detail)
            if code.used or code.expires_at < time.time() or code.client_id != client_id:
                code.used = True
                raise OAuthError(400, "invalid_grant", "Bad Request")
            if form.get("redirect_uri") != code.redirect_uri:
                raise OAuthError(400, "redirect_uri_mismatch", "Bad Request")
            self._check_verifier(code, form.get("code_verifier"))
            code.used = True
            refresh = None
            if code.issue_refresh:
                refresh = "1//0" + secrets.token_urlsafe(64)
                self._refresh[refresh] = _Refresh(client_id, code.scopes)
                self._granted.setdefault(client_id, set()).update(code.scopes)
            payload = self._issue_access(client_id, code.scopes, refresh)
        if refresh:
            payload["refresh_token"] = refresh
        return Reply.json(200, payload, {"Cache-Control": "no-cache, no-store, max-age=0"})

    @staticmethod
    def _check_verifier(code: _Code, verifier: str | None) -> None:
        if code.challenge is None:
            if verifier:
                raise OAuthError(400, "invalid_grant", "code_verifier or verifier is not needed.")
            return
        if not verifier:
            raise OAuthError(400, "invalid_grant", "Missing code verifier.")
        if not pkce_matches(verifier, code.challenge, code.method):
            raise OAuthError(400, "invalid_grant", "Invalid code verifier.")

    def _refresh_grant(self, client_id: str, form: dict[str, str]) -> Reply:
        token = form.get("refresh_token", "")
        with self._lock:
            refresh = self._refresh.get(token)
            if refresh is None or refresh.revoked:
                raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
            if refresh.client_id != client_id:  # issued to another client of the project
                raise OAuthError(401, "unauthorized_client", "Unauthorized")
            if self.policy is not None:
                raise OAuthError(400, self.policy, POLICY_REFUSALS[self.policy])
            payload = self._issue_access(client_id, refresh.scopes, token)
        return Reply.json(200, payload, {"Cache-Control": "no-cache, no-store, max-age=0"})

    def _issue_access(
        self, client_id: str, scopes: tuple[str, ...], refresh: str | None
    ) -> dict[str, object]:
        token = "ya29.a0" + secrets.token_urlsafe(96)
        lifetime = int(self.token_lifetime_seconds)
        self._access[token] = AccessToken(client_id, scopes, time.time() + lifetime, refresh)
        if refresh:
            self._refresh[refresh].access_tokens.append(token)
        return {
            "access_token": token,
            "expires_in": max(lifetime - 1, 1),  # oauthlib drops expires_in=0
            "scope": " ".join(scopes),
            "token_type": "Bearer",
        }

    # ----- /revoke ----------------------------------------------------------------------------
    def revoke(self, token: str) -> Reply:
        """Revoke a refresh or access token (and the whole grant behind it)."""
        with self._lock:
            if token in self._refresh and not self._refresh[token].revoked:
                self._revoke_refresh(token)
            elif token in self._access and self._access[token].valid():
                access = self._access[token]
                access.revoked = True
                if access.refresh_token:
                    self._revoke_refresh(access.refresh_token)
            else:
                return Reply.json(
                    400, {"error": "invalid_token", "error_description": "Token expired or revoked"}
                )
        return Reply.json(200, {})

    def _revoke_refresh(self, token: str) -> None:
        refresh = self._refresh[token]
        refresh.revoked = True
        for access in refresh.access_tokens:
            self._access[access].revoked = True
        self._granted.pop(refresh.client_id, None)

    # ----- for the API and for tests ----------------------------------------------------------
    def lookup(self, token: str) -> AccessToken | None:
        """The access token if it is known, unrevoked and unexpired."""
        with self._lock:
            access = self._access.get(token)
            return access if access is not None and access.valid() else None

    def revoke_all_refresh_tokens(self) -> None:
        """Revoke every refresh token and its access tokens (the user removed app access)."""
        with self._lock:
            for token, refresh in self._refresh.items():
                if not refresh.revoked:
                    self._revoke_refresh(token)
            self._granted.clear()

    def mint(self, client_id: str, scopes: tuple[str, ...]) -> str:
        """Issue an access token without a consent flow (a test shortcut)."""
        with self._lock:
            return str(self._issue_access(client_id, scopes, None)["access_token"])

    def expire_all_access_tokens(self) -> None:
        """Make every issued access token expired now."""
        with self._lock:
            now = time.time()
            for access in self._access.values():
                access.expires_at = min(access.expires_at, now - 1)


def _with_query(uri: str, params: dict[str, str]) -> str:
    separator = "&" if urlsplit(uri).query else "?"
    return uri + separator + urlencode(params)
