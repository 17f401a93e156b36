"""The transport-neutral response every handler returns."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json; charset=UTF-8"


@dataclass
class Reply:
    """An HTTP response: status, body bytes, content type and extra headers."""

    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(
        cls,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
        pretty: bool = True,
    ) -> Reply:
        """A JSON reply (UTF-8, non-ASCII kept as is, like Google)."""
        indent = 2 if pretty else None
        separators = None if pretty else (",", ":")
        text = json.dumps(payload, ensure_ascii=False, indent=indent, separators=separators)
        body = text.encode("utf-8")
        return cls(status, body + b"\n", JSON_TYPE, dict(headers or {}))

    @classmethod
    def html(cls, status: int, text: str) -> Reply:
        """An HTML page."""
        return cls(status, text.encode("utf-8"), "text/html; charset=utf-8")

    @classmethod
    def redirect(cls, location: str) -> Reply:
        """A 302 redirect."""
        return cls(302, b"", "text/html; charset=UTF-8", {"Location": location})
