"""Opaque page tokens: an offset bound to the query it came from.

A token is ``base64url(offset:hash)`` where the hash covers the query's parameters, so a token
replayed with a different query (or tampered with) is rejected as Google rejects it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class InvalidPageToken(ValueError):
    """The page token is not one this server issued for this query."""


def _digest(query_key: str) -> str:
    return hashlib.sha256(query_key.encode()).hexdigest()[:16]


def encode_token(offset: int, query_key: str) -> str:
    """An opaque token for the page that starts at ``offset``."""
    raw = f"{offset}:{_digest(query_key)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, query_key: str) -> int:
    """The offset in ``token``; raise :class:`InvalidPageToken` unless it matches the query."""
    try:
        padded = token + "=" * (-len(token) % 4)
        offset_text, digest = base64.urlsafe_b64decode(padded).decode().split(":", 1)
        offset = int(offset_text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidPageToken(token) from exc
    if offset < 0 or digest != _digest(query_key):
        raise InvalidPageToken(token)
    return offset


def page(
    items: Sequence[T], token: str | None, size: int, query_key: str
) -> tuple[Sequence[T], str | None]:
    """Slice ``items`` for ``token`` and return the page plus the next token (None at the end)."""
    offset = decode_token(token, query_key) if token else 0
    chunk = items[offset : offset + size]
    end = offset + size
    return chunk, (encode_token(end, query_key) if end < len(items) else None)
