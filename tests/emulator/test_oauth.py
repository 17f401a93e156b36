"""OAuth 2.0 against the emulator with google-auth-oauthlib and google-auth, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

import google.auth.exceptions
import google.auth.transport.requests
import google.oauth2._client
import pytest
from google_auth_oauthlib.flow import InstalledAppFlow
from googleapiclient.errors import HttpError

from emulator import Emulator, Workspace
from emulator.browser import ConsentBrowser, register_consent_browser
from emulator.wire.errors import AUTH_MESSAGE
from emulator.wire.server import DEFAULT_CLIENTS
from tests.helpers import CALENDAR_SCOPE, MEET_SCOPE, calendar_service, http, meet_service

CLIENT_ID, CLIENT_SECRET = next(iter(DEFAULT_CLIENTS.items()))
SCOPES = [CALENDAR_SCOPE, MEET_SCOPE]


@pytest.fixture
def workspace() -> Workspace:
    return Workspace()


@pytest.fixture(autouse=True)
def plain_http_to_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # oauthlib refuses http otherwise


def _flow(url: str, scopes: list[str] = SCOPES) -> InstalledAppFlow:
    config = {
        "installed": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "auth_uri": url + "/o/oauth2/auth",
            "token_uri": url + "/token",
            "redirect_uris": ["http://localhost"],
        }
    }
    return InstalledAppFlow.from_client_config(config, scopes)


def _consent(url: str, **kwargs: str):
    flow = _flow(url)
    return flow.run_local_server(
        host="localhost",
        port=0,
        open_browser=True,
        browser=register_consent_browser(),
        authorization_prompt_message=None,
        timeout_seconds=30,
        access_type="offline",
        **kwargs,
    )


def _post(url: str, form: dict[str, str], headers: dict[str, str] | None = None):
    head = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    return http("POST", url, head, urlencode(form).encode())


def _refresh_form(refresh_token: str) -> dict[str, str]:
    return {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }


def test_installed_app_flow_with_pkce_gives_working_tokens(emulator: Emulator) -> None:
    creds = _consent(emulator.url)
    assert creds.token.startswith("ya29.")
    assert creds.refresh_token
    assert set(creds.granted_scopes or SCOPES) == set(SCOPES)
    calendar = calendar_service(emulator.url, creds.token).calendars().get(calendarId="primary")
    assert calendar.execute()["id"] == emulator.workspace.account_email
    assert emulator.request_counts["oauth.auth"] == 1
    assert emulator.request_counts["oauth.token"] == 1


def test_second_consent_gives_refresh_token_only_with_prompt_consent(emulator: Emulator) -> None:
    first = _consent(emulator.url)
    second = _consent(emulator.url)
    third = _consent(emulator.url, prompt="consent")
    assert first.refresh_token
    assert second.refresh_token is None
    assert third.refresh_token and third.refresh_token != first.refresh_token


def test_refresh_grant_and_invalid_grant_after_revoke(emulator: Emulator) -> None:
    creds = _consent(emulator.url)
    status, _, body = _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert status == 200
    assert set(body) == {"access_token", "expires_in", "scope", "token_type"}
    assert body["token_type"] == "Bearer"

    creds.refresh(google.auth.transport.requests.Request())  # google-auth's own refresh
    assert creds.valid

    status, _, body = _post(emulator.url + "/revoke", {"token": creds.refresh_token})
    assert (status, body) == (200, {})
    status, _, body = _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert status == 400
    assert body == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }
    with pytest.raises(google.auth.exceptions.RefreshError, match="invalid_grant"):
        creds.refresh(google.auth.transport.requests.Request())
    # Revoking a refresh token kills the access tokens issued from it.
    status, _, _ = http(
        "GET",
        emulator.url + "/calendar/v3/calendars/primary",
        {"Authorization": f"Bearer {creds.token}"},
    )
    assert status == 401
    # ...and a fresh consent issues a new refresh token without prompt=consent.
    assert _consent(emulator.url).refresh_token


def test_revoke_all_refresh_tokens(emulator: Emulator) -> None:
    creds = _consent(emulator.url)
    emulator.revoke_refresh_tokens()
    status, _, body = _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert (status, body["error"]) == (400, "invalid_grant")
    status, _, body = _post(emulator.url + "/revoke", {"token": "nonsense"})
    assert status == 400
    assert body == {"error": "invalid_token", "error_description": "Token expired or revoked"}


def test_expired_access_token_gets_googles_401(emulator: Emulator) -> None:
    token = emulator.issue_token()
    emulator.expire_access_tokens()
    status, headers, body = http(
        "GET", emulator.url + "/calendar/v3/calendars/primary", {"Authorization": f"Bearer {token}"}
    )
    assert status == 401
    assert headers["WWW-Authenticate"] == (
        'Bearer realm="https://accounts.google.com/", error="invalid_token"'
    )
    assert body == {
        "error": {
            "code": 401,
            "message": AUTH_MESSAGE,
            "errors": [
                {
                    "message": "Invalid Credentials",
                    "domain": "global",
                    "reason": "authError",
                    "location": "Authorization",
                    "locationType": "header",
                }
            ],
            "status": "UNAUTHENTICATED",
        }
    }
    status, _, body = http("GET", emulator.url + "/v2/conferenceRecords")
    assert status == 401
    assert body == {"error": {"code": 401, "message": AUTH_MESSAGE, "status": "UNAUTHENTICATED"}}


def test_short_token_lifetime_expires_and_refreshes(emulator: Emulator) -> None:
    emulator.token_lifetime_seconds = 0
    creds = _consent(emulator.url)
    status, _, _ = http(
        "GET",
        emulator.url + "/calendar/v3/calendars/primary",
        {"Authorization": f"Bearer {creds.token}"},
    )
    assert status == 401
    emulator.token_lifetime_seconds = 3600
    creds.refresh(google.auth.transport.requests.Request())
    assert (
        calendar_service(emulator.url, creds.token).calendars().get(calendarId="primary").execute()
    )


def test_missing_scope_is_403_insufficient_permissions(emulator: Emulator) -> None:
    token = emulator.issue_token(scopes=[CALENDAR_SCOPE])
    with pytest.raises(HttpError) as info:
        meet_service(emulator.url, token).conferenceRecords().list().execute()
    assert info.value.status_code == 403
    assert b"insufficient authentication scopes" in info.value.content
    token = emulator.issue_token(scopes=[MEET_SCOPE])
    status, _, body = http(
        "GET",
        emulator.url + "/calendar/v3/calendars/primary/events",
        {"Authorization": f"Bearer {token}"},
    )
    assert status == 403
    assert body["error"]["errors"][0]["reason"] == "insufficientPermissions"
    assert body["error"]["status"] == "PERMISSION_DENIED"


def _authorize(emulator: Emulator, **params: str) -> tuple[int, dict[str, str], object]:
    query = {
        "client_id": CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:9/",
        "response_type": "code",
        "scope": " ".join(SCOPES),
        "state": "xyz",
        "access_type": "offline",
        **params,
    }
    return http("GET", emulator.url + "/o/oauth2/auth?" + urlencode(query))


def _code_from(headers: dict[str, str]) -> dict[str, list[str]]:
    return parse_qs(urlsplit(headers["Location"]).query)


def test_code_rules_pkce_single_use_redirect_match_client_auth(emulator: Emulator) -> None:
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    status, headers, _ = _authorize(
        emulator, code_challenge=challenge.decode().rstrip("="), code_challenge_method="S256"
    )
    assert status == 302
    params = _code_from(headers)
    assert params["state"] == ["xyz"]
    code = params["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9/"}
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    auth = {"Authorization": f"Basic {basic}"}

    bad_basic = base64.b64encode(f"{CLIENT_ID}:wrong".encode()).decode()
    status, _, body = _post(emulator.url + "/token", form, {"Authorization": f"Basic {bad_basic}"})
    assert (status, body) == (401, {"error": "invalid_client", "error_description": "Unauthorized"})
    status, _, body = _post(emulator.url + "/token", {**form, "code_verifier": "x" * 50}, auth)
    assert (status, body["error"]) == (400, "invalid_grant")
    status, _, body = _post(
        emulator.url + "/token", {**form, "redirect_uri": "http://localhost:9/"}, auth
    )
    assert status == 400
    status, _, body = _post(emulator.url + "/token", {**form, "code_verifier": verifier}, auth)
    assert status == 200 and "refresh_token" in body
    status, _, body = _post(emulator.url + "/token", {**form, "code_verifier": verifier}, auth)
    assert (status, body["error"]) == (400, "invalid_grant")  # single use
    status, _, body = _post(emulator.url + "/token", {**form, "code": "garbage"}, auth)
    assert body == {"error": "invalid_grant", "error_description": "Malformed auth code."}
    status, _, body = _post(emulator.url + "/token", {**form, "grant_type": "password"}, auth)
    assert (status, body["error"]) == (400, "unsupported_grant_type")


def test_auth_endpoint_rejects_unknown_client_and_non_loopback_redirect(emulator: Emulator) -> None:
    status, _, body = _authorize(emulator, client_id="someone-else.apps.googleusercontent.com")
    assert status == 400 and "invalid_client" in body
    status, _, body = _authorize(emulator, redirect_uri="https://evil.example/callback")
    assert status == 400 and "redirect_uri_mismatch" in body


def test_consent_browser_follows_redirects() -> None:
    browser = ConsentBrowser()
    assert browser.open("http://127.0.0.1:9/unreachable") is True
    assert browser.done.wait(10)
    assert browser.last_error is not None


def test_granular_consent_grants_only_the_scopes_left_ticked(emulator: Emulator) -> None:
    emulator.untick_at_consent(MEET_SCOPE)
    status, headers, _ = _authorize(emulator)
    assert status == 302
    params = _code_from(headers)
    assert params["scope"] == [CALENDAR_SCOPE]
    form = {
        "grant_type": "authorization_code",
        "code": params["code"][0],
        "redirect_uri": "http://127.0.0.1:9/",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    status, _, body = _post(emulator.url + "/token", form)
    assert status == 200 and body["scope"] == CALENDAR_SCOPE and body["refresh_token"]
    with pytest.raises(HttpError) as info:
        meet_service(emulator.url, body["access_token"]).conferenceRecords().list().execute()
    assert info.value.status_code == 403
    status, _, refreshed = _post(emulator.url + "/token", _refresh_form(body["refresh_token"]))
    assert status == 200 and refreshed["scope"] == CALENDAR_SCOPE


def test_unticking_every_scope_denies_access(emulator: Emulator) -> None:
    emulator.untick_at_consent(CALENDAR_SCOPE, MEET_SCOPE)
    status, headers, _ = _authorize(emulator)
    assert status == 302
    assert _code_from(headers) == {"error": ["access_denied"], "state": ["xyz"]}
    emulator.untick_at_consent()
    assert "code" in _code_from(_authorize(emulator)[1])


def test_token_endpoint_fails_as_queued_then_answers(emulator: Emulator) -> None:
    creds = _consent(emulator.url)
    emulator.fail_token_requests(503, "reset", 500)
    status, _, body = _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert (status, body) == (
        503,
        {"error": "internal_failure", "error_description": "Backend Error"},
    )
    with pytest.raises(OSError) as reset:  # reset: no answer at all
        _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert isinstance(getattr(reset.value, "reason", reset.value), ConnectionResetError)
    status, _, _ = _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert status == 500
    status, _, body = _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert status == 200 and body["access_token"].startswith("ya29.")
    # google-auth reads a 503 as retryable, a refusal as not
    emulator.fail_token_requests(503)
    with pytest.raises(google.auth.exceptions.RefreshError) as raised:
        google.oauth2._client.refresh_grant(
            google.auth.transport.requests.Request(),
            emulator.url + "/token",
            creds.refresh_token,
            CLIENT_ID,
            CLIENT_SECRET,
            can_retry=False,
        )
    assert raised.value.retryable
    with pytest.raises(ValueError):
        emulator.fail_token_requests(400)


def test_client_refusals_have_googles_status_and_body(emulator: Emulator) -> None:
    creds = _consent(emulator.url)
    form = _refresh_form(creds.refresh_token)
    status, _, body = _post(emulator.url + "/token", {**form, "client_secret": "rotated"})
    assert (status, body) == (401, {"error": "invalid_client", "error_description": "Unauthorized"})
    other = "other-client.apps.googleusercontent.com"
    emulator.oauth.clients[other] = "other-secret"
    status, _, body = _post(
        emulator.url + "/token", {**form, "client_id": other, "client_secret": "other-secret"}
    )
    assert (status, body) == (
        401,
        {"error": "unauthorized_client", "error_description": "Unauthorized"},
    )
    emulator.delete_client(CLIENT_ID)
    status, _, body = _post(emulator.url + "/token", form)
    assert (status, body) == (
        401,
        {"error": "deleted_client", "error_description": "The OAuth client was deleted."},
    )


@pytest.mark.parametrize("policy", ["admin_policy_enforced", "policy_enforced"])
def test_policies_refuse_refresh_and_consent(emulator: Emulator, policy: str) -> None:
    creds = _consent(emulator.url)
    emulator.enforce_policy(policy)
    status, _, body = _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert status == 400 and body["error"] == policy and body["error_description"]
    with pytest.raises(google.auth.exceptions.RefreshError) as raised:
        creds.refresh(google.auth.transport.requests.Request())
    assert not raised.value.retryable and raised.value.args[1]["error"] == policy
    status, _, page = _authorize(emulator)
    assert status == 400 and policy in page
    emulator.enforce_policy(None)
    status, _, _ = _post(emulator.url + "/token", _refresh_form(creds.refresh_token))
    assert status == 200
