"""Which Meet conference records belong to which calendar meeting.

A recurring series reuses one meeting code for every instance, and one instance can have
several records (everyone left and rejoined), so records are matched on time: a record
belongs to the instance whose scheduled time, widened by a tolerance for starting early
and running late, it overlaps the most.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# People join a recurring call long before its slot (a prep call on the same link): a record
# that starts up to two hours early still belongs to the instance it runs into.
EARLY_TOLERANCE = timedelta(hours=2)
LATE_TOLERANCE = timedelta(hours=2)


@dataclass(frozen=True)
class Meeting:
    event_id: str
    conference_id: str
    start: datetime
    end: datetime


def parse_google_time(value: object) -> datetime | None:
    """An RFC 3339 timestamp from a Meet payload, or None when absent or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lookup_windows(meetings: list[Meeting]) -> dict[str, tuple[datetime, datetime]]:
    """One record search window per meeting code, covering all its instances."""
    windows: dict[str, tuple[datetime, datetime]] = {}
    for meeting in meetings:
        start, end = meeting.start - EARLY_TOLERANCE, meeting.end + LATE_TOLERANCE
        if meeting.conference_id in windows:
            known_start, known_end = windows[meeting.conference_id]
            start, end = min(start, known_start), max(end, known_end)
        windows[meeting.conference_id] = (start, end)
    return windows


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> float:
    return (min(a_end, b_end) - max(a_start, b_start)).total_seconds()


def best_meeting(record: dict, candidates: list[Meeting], now: datetime) -> Meeting | None:
    """The candidate instance a record belongs to, or None if it fits none of them."""
    start = parse_google_time(record.get("startTime"))
    if start is None:
        return None
    end = parse_google_time(record.get("endTime")) or max(now, start)
    best: tuple[float, float] | None = None
    chosen = None
    for meeting in candidates:
        widened_start = meeting.start - EARLY_TOLERANCE
        widened_end = meeting.end + LATE_TOLERANCE
        if not (widened_start <= start < widened_end):
            continue
        score = (
            _overlap(start, end, meeting.start, meeting.end),
            -abs((start - meeting.start).total_seconds()),
        )
        if best is None or score > best:
            best, chosen = score, meeting
    return chosen


def assign_records(
    meetings: list[Meeting], records_by_code: dict[str, list[dict]], now: datetime
) -> dict[str, list[dict]]:
    """event_id -> its records (by start time); records matching no instance are dropped."""
    by_code: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_code[meeting.conference_id].append(meeting)
    assigned: dict[str, list[dict]] = {m.event_id: [] for m in meetings}
    for code, records in records_by_code.items():
        seen: set[str] = set()
        for record in records:
            if not isinstance(record, dict):
                continue
            name = record.get("name")
            if not isinstance(name, str) or name in seen:
                continue
            seen.add(name)
            meeting = best_meeting(record, by_code.get(code, []), now)
            if meeting is not None:
                assigned[meeting.event_id].append(record)
    for records in assigned.values():
        records.sort(key=lambda r: (r.get("startTime") or "", r.get("name") or ""))
    return assigned
