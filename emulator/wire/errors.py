"""Google's error bodies, byte-for-byte in shape, for Calendar and Drive (legacy style) and Meet
(AIP-193).

Handlers raise :class:`ApiError`; the server turns it into a JSON response.
"""

from __future__ import annotations

from typing import Any, Literal

Api = Literal["calendar", "meet", "drive"]
LEGACY_STYLE = ("calendar", "drive")  # APIs whose errors carry an ``errors[]`` list

AUTH_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
    "or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
SCOPE_MESSAGE = "Request had insufficient authentication scopes."
WWW_AUTHENTICATE = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """An HTTP error response: status, JSON body and extra headers."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def calendar_error(
    status: int, reason: str, message: str, domain: str = "global", **extra: str
) -> ApiError:
    """A Calendar v3 error: ``{"error": {"errors": [...], "code", "message"}}``."""
    item: dict[str, Any] = {"domain": domain, "reason": reason, "message": message, **extra}
    return ApiError(status, {"error": {"errors": [item], "code": status, "message": message}})


def meet_error(status: int, message: str, status_name: str | None = None) -> ApiError:
    """A Meet v2 error: ``{"error": {"code", "message", "status"}}``."""
    name = status_name or _STATUS_NAMES.get(status, "UNKNOWN")
    return ApiError(status, {"error": {"code": status, "message": message, "status": name}})


def unauthenticated(api: Api) -> ApiError:
    """401 for a missing, unknown, expired or revoked access token."""
    error: dict[str, Any] = {"code": 401, "message": AUTH_MESSAGE}
    if api in LEGACY_STYLE:
        error["errors"] = [
            {
                "message": "Invalid Credentials",
                "domain": "global",
                "reason": "authError",
                "location": "Authorization",
                "locationType": "header",
            }
        ]
    error["status"] = "UNAUTHENTICATED"
    return ApiError(401, {"error": error}, {"WWW-Authenticate": WWW_AUTHENTICATE})


def insufficient_scope(api: Api, method_id: str) -> ApiError:
    """403 for a valid token that lacks the scope the method needs."""
    service = _SERVICES[api]
    error: dict[str, Any] = {"code": 403, "message": SCOPE_MESSAGE}
    if api in LEGACY_STYLE:
        error["errors"] = [
            {
                "message": "Insufficient Permission",
                "domain": "global",
                "reason": "insufficientPermissions",
            }
        ]
    error["status"] = "PERMISSION_DENIED"
    error["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
            "metadata": {"service": service, "method": method_id},
        }
    ]
    header = 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"'
    return ApiError(403, {"error": error}, {"WWW-Authenticate": header})


SERVICES = {
    "calendar": ("calendar-json.googleapis.com", "Google Calendar API"),
    "meet": ("meet.googleapis.com", "Google Meet REST API"),
    "drive": ("drive.googleapis.com", "Google Drive API"),
}


def service_disabled(api: Api, project_number: str) -> ApiError:
    """403 for an API that is not enabled in the OAuth client's Cloud project: AIP-193 with
    ErrorInfo ``SERVICE_DISABLED`` (Calendar and Drive add their legacy ``accessNotConfigured``
    item)."""
    service, title = SERVICES[api]
    url = f"https://console.developers.google.com/apis/api/{service}/overview?project={project_number}"
    message = (
        f"{title} has not been used in project {project_number} before or it is disabled. "
        f"Enable it by visiting {url} then retry. If you enabled this API recently, wait a few "
        "minutes for the action to propagate to our systems and retry."
    )
    error: dict[str, Any] = {"code": 403, "message": message}
    if api in LEGACY_STYLE:
        error["errors"] = [
            {
                "message": message,
                "domain": "usageLimits",
                "reason": "accessNotConfigured",
                "extendedHelp": "https://console.developers.google.com",
            }
        ]
    error["status"] = "PERMISSION_DENIED"
    error["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {
                "consumer": f"projects/{project_number}",
                "service": service,
                "serviceTitle": title,
                "containerInfo": project_number,
                "activationUrl": url,
            },
        },
        {
            "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
            "locale": "en-US",
            "message": message,
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{"description": "Google developers console API activation", "url": url}],
        },
    ]
    return ApiError(403, {"error": error})


def not_found(api: Api) -> ApiError:
    """404 in the style of the API the path belongs to."""
    if api in LEGACY_STYLE:
        return calendar_error(404, "notFound", "Not Found")
    return meet_error(404, "Requested entity was not found.")


def bad_request(api: Api, message: str | None = None) -> ApiError:
    """400 for a malformed parameter."""
    if api in LEGACY_STYLE:
        return calendar_error(400, "badRequest", message or "Bad Request")
    return meet_error(400, message or "Request contains an invalid argument.")


def invalid_value(api: Api, parameter: str, value: str) -> ApiError:
    """400 for a parameter whose value is out of range or unparseable."""
    if api in LEGACY_STYLE:
        return calendar_error(
            400, "invalid", "Invalid Value", location=parameter, locationType="parameter"
        )
    return meet_error(400, f"Invalid value for {parameter}: {value!r}.")


_SERVICES = {
    "calendar": "calendar-json.googleapis.com",
    "meet": "meet.googleapis.com",
    "drive": "drive.googleapis.com",
}
_CALENDAR_FAULTS = {
    403: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    429: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    500: ("global", "backendError", "Backend Error"),
    502: ("global", "backendError", "Bad Gateway"),
    503: ("global", "backendError", "The service is currently unavailable."),
    504: ("global", "backendError", "Deadline exceeded."),
}
# Drive answers an exceeded per-user quota with 403 userRateLimitExceeded (Drive's
# "Resolve errors" guide); its other transient errors look like Calendar's.
_DRIVE_FAULTS = {403: ("usageLimits", "userRateLimitExceeded", "User Rate Limit Exceeded")}
_MEET_FAULTS = {
    403: "The caller does not have permission",
    429: "Resource has been exhausted (e.g. check quota).",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "Deadline exceeded.",
}


def injected_fault(api: Api | Literal["oauth"], status: int) -> ApiError:
    """The error Google sends for transient overload or backend trouble with ``status``."""
    if api == "oauth":
        body = {"error": "internal_failure", "error_description": "Backend Error"}
        return ApiError(status, body)
    if api in LEGACY_STYLE:
        faults = {**_CALENDAR_FAULTS, **_DRIVE_FAULTS} if api == "drive" else _CALENDAR_FAULTS
        domain, reason, message = faults.get(status, ("global", "backendError", "Backend Error"))
        return calendar_error(status, reason, message, domain=domain)
    return meet_error(status, _MEET_FAULTS.get(status, "Internal error encountered."))


def file_not_found(file_id: str) -> ApiError:
    """Drive's 404 for a file that does not exist or that the caller cannot see."""
    message = f"File not found: {file_id}."
    return calendar_error(404, "notFound", message, location="fileId", locationType="parameter")


def export_size_limit_exceeded() -> ApiError:
    """Drive's 403 for a Doc whose export would exceed Drive's 10 MB export limit."""
    return calendar_error(403, "exportSizeLimitExceeded", "This file is too large to be exported.")


def domain_policy() -> ApiError:
    """Drive's 403 when the user's organisation does not allow the app to use Drive."""
    message = "The domain administrators have disabled Drive apps."
    return calendar_error(403, "domainPolicy", message)


def file_not_exportable() -> ApiError:
    """Drive's 403 for an export of a file that is not a Docs Editors file."""
    return calendar_error(403, "fileNotExportable", "Export only supports Docs Editors files.")


# Meet's per-user read quota as Google's API front end names it (the Meet usage limits guide:
# "Read requests, per minute per user per project").
MEET_READ_QUOTA = {
    "quota_metric": "meet.googleapis.com/read_requests",
    "quota_limit": "ReadRequestsPerMinutePerUser",
    "quota_location": "global",
}


def quota_exceeded(api: Api, limit: int, project_number: str) -> ApiError:
    """429 for a user over the per-minute quota: Calendar's and Drive's documented
    ``rateLimitExceeded`` body, and Meet's ``RESOURCE_EXHAUSTED`` with the ErrorInfo Google's
    API front end adds."""
    if api != "meet":
        return calendar_error(429, "rateLimitExceeded", "Rate Limit Exceeded", domain="usageLimits")
    message = (
        "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per "
        f"user' of service 'meet.googleapis.com' for consumer 'project_number:{project_number}'."
    )
    error = meet_error(429, message, "RESOURCE_EXHAUSTED")
    metadata = {
        "service": "meet.googleapis.com",
        "consumer": f"projects/{project_number}",
        **MEET_READ_QUOTA,
        "quota_limit_value": str(limit),
    }
    error.body["error"]["details"] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": metadata,
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                }
            ],
        },
    ]
    return error
