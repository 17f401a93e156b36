"""RFC 3339 parsing and the two timestamp styles Google uses on the wire.

Calendar renders event times as ``2026-11-20T10:00:00+01:00`` (or ``...Z`` in UTC) and metadata
times as ``2026-11-20T10:00:00.000Z``; Meet renders protobuf timestamps such as
``2026-11-20T10:00:03.120431Z`` (fraction omitted when zero).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp that carries an offset; raise ValueError otherwise."""
    match = _RFC3339.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"not an RFC 3339 timestamp with offset: {text!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micros = int((fraction or ".0")[1:].ljust(6, "0")[:6])
    if offset in ("Z", "z"):
        zone: tzinfo = UTC
    else:
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micros, zone
    )


def zone(name: str) -> tzinfo:
    """The IANA zone for ``name``; raise ValueError for unknown names."""
    if name.upper() in ("UTC", "Z", "ETC/UTC"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def calendar_datetime(moment: datetime, tz: tzinfo) -> str:
    """An event ``dateTime`` as Calendar renders it in zone ``tz``."""
    local = moment.astimezone(tz).replace(microsecond=0)
    if local.utcoffset() == timedelta(0):
        return local.strftime("%Y-%m-%dT%H:%M:%SZ")
    return local.isoformat()


def calendar_stamp(moment: datetime) -> str:
    """A Calendar metadata timestamp (``created``/``updated``): millisecond UTC with ``Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def proto_stamp(moment: datetime) -> str:
    """A protobuf JSON timestamp (Meet): UTC, ``Z``, 0/3/6 fractional digits."""
    utc = moment.astimezone(UTC)
    base = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond == 0:
        return base + "Z"
    if utc.microsecond % 1000 == 0:
        return f"{base}.{utc.microsecond // 1000:03d}Z"
    return f"{base}.{utc.microsecond:06d}Z"


def day_start(day: date, tz: tzinfo) -> datetime:
    """Local midnight of ``day`` in ``tz`` as an aware datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=tz)
