"""Identifiers shaped like Google's, drawn from a caller's ``random.Random``."""

from __future__ import annotations

import random
import string
from datetime import UTC, datetime

_BASE32HEX = "0123456789abcdefghijklmnopqrstuv"
_ALNUM = string.ascii_letters + string.digits


def event_id(rng: random.Random) -> str:
    """A Calendar event id: 26 lowercase base32hex characters."""
    return "".join(rng.choice(_BASE32HEX) for _ in range(26))


def instance_id(master_id: str, original_start: datetime) -> str:
    """A recurring instance id: ``<master>_<UTC basic start>``, e.g. ``abc_20261120T100000Z``."""
    return f"{master_id}_{original_start.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def meeting_code(rng: random.Random) -> str:
    """A Meet meeting code ``abc-mnop-xyz``."""
    letters = string.ascii_lowercase

    def part(n: int) -> str:
        return "".join(rng.choice(letters) for _ in range(n))

    return f"{part(3)}-{part(4)}-{part(3)}"


def space_id(rng: random.Random) -> str:
    """A Meet space id such as ``jQCFfuBOdN5z``."""
    return "".join(rng.choice(_ALNUM) for _ in range(12))


def record_id(rng: random.Random) -> str:
    """A conference record id (UUID-like, as Meet uses)."""
    hexes = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-a{hexes[17:20]}-{hexes[20:]}"


def opaque_id(rng: random.Random, length: int = 20) -> str:
    """An opaque alphanumeric id for transcripts, entries and participants."""
    return "".join(rng.choice(_ALNUM) for _ in range(length))


def numeric_id(rng: random.Random, length: int = 21) -> str:
    """A numeric id, like a Google user id."""
    return str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(length - 1))


def etag(rng: random.Random) -> str:
    """A quoted Calendar etag."""
    return f'"{rng.randint(3_300_000_000_000_000, 3_499_999_999_999_999)}"'
