"""Which days of a Meet step's slice are written together.

A year's backfill holds thousands of transcripts from Docs; holding all of them until one
write needs memory in proportion to the range. The days whose meetings Meet no longer keeps
(read from Drive, in date order) are therefore written in windows of whole days, each once
it holds ``meetings_per_write`` meetings; the days Meet still keeps come last, as one window,
once Meet has answered. Every window is one transaction over all three Meet tables, so a day
is never half written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta


def write_windows(
    first_day: date,
    end_day: date,
    meeting_days: Iterable[date],
    recent_from: date | None,
    meetings_per_write: int,
) -> list[tuple[date, date]]:
    """Consecutive windows ``[first, end)`` that tile ``[first_day, end_day)``.

    ``meeting_days``: the partition day of every meeting of the slice. ``recent_from``: the
    first day with a meeting Meet still keeps (None: there is none). The days before it are
    cut into windows that close at the end of the day on which they reach
    ``meetings_per_write`` meetings (the last of them may hold fewer); ``[recent_from,
    end_day)`` is the last window.
    """
    if meetings_per_write < 1:
        raise ValueError(f"meetings_per_write must be at least 1, not {meetings_per_write}")
    if end_day <= first_day:
        return []
    boundary = end_day if recent_from is None else min(max(recent_from, first_day), end_day)
    per_day = Counter(meeting_days)
    windows: list[tuple[date, date]] = []
    start, held, day = first_day, 0, first_day
    while day < boundary:
        held += per_day[day]
        day += timedelta(days=1)
        if held >= meetings_per_write:
            windows.append((start, day))
            start, held = day, 0
    if start < boundary:
        windows.append((start, boundary))
    if boundary < end_day:
        windows.append((boundary, end_day))
    return windows
