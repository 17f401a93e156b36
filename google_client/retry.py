"""Which Google errors are worth retrying, and how long to wait between attempts."""

from __future__ import annotations

import http.client
import json
import random
import socket
from dataclasses import dataclass

import httplib2
from googleapiclient.errors import HttpError

MAX_DELAY_SECONDS = 32.0  # the longest wait between two attempts
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
CONNECTION_ERRORS = (
    ConnectionError,
    TimeoutError,
    socket.timeout,
    http.client.HTTPException,
    httplib2.HttpLib2Error,
)


def error_payload(error: HttpError) -> dict:
    try:
        data = json.loads(error.content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return {}
    inner = data.get("error") if isinstance(data, dict) else None
    return inner if isinstance(inner, dict) else {}


def error_message(error: HttpError) -> str:
    """Google's ``error.message`` of an error response, on one line ("" when there is none)."""
    return " ".join(str(error_payload(error).get("message") or "").split())


def error_reasons(error: HttpError) -> set[str]:
    """Calendar's ``errors[].reason``, ``details[].reason`` and ``status`` of an error response."""
    payload = error_payload(error)
    reasons = {
        item.get("reason")
        for item in payload.get("errors") or []
        if isinstance(item, dict) and item.get("reason")
    }
    reasons |= {
        item.get("reason")
        for item in payload.get("details") or []
        if isinstance(item, dict) and isinstance(item.get("reason"), str)
    }
    if isinstance(payload.get("status"), str):
        reasons.add(payload["status"])
    return reasons


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, HttpError):
        status = error.resp.status
        if status in RETRYABLE_STATUSES:
            return True
        reasons = error_reasons(error)
        return status == 403 and bool(reasons & (RATE_LIMIT_REASONS | {"RESOURCE_EXHAUSTED"}))
    return isinstance(error, CONNECTION_ERRORS)


@dataclass(frozen=True)
class RetryPolicy:
    """Truncated exponential backoff with jitter: attempt n waits between d/2 and d,
    d = min(MAX_DELAY_SECONDS, base_delay * 2**n)."""

    max_attempts: int
    base_delay: float

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = min(MAX_DELAY_SECONDS, self.base_delay * (2**attempt))
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
