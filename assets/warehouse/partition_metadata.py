"""Each partition's own numbers, for the metadata of its materialization.

A backfill of many days runs as one step, but Dagster records one materialization per
partition: each gets the numbers of its day (rows, meetings, transcripts available, coverage,
entries, Google requests), so the UI's plots show which days are thin.

Google requests are attributed to the day of the meeting they were made for. A meeting
code's record search serves every meeting of that code in the slice (a recurring series
shares one code), so its requests are shared equally among them. A Calendar listing serves
the whole range at once: its requests are shared equally among the range's days, and the
range's total is recorded beside each day's share.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

import dagster as dg
import pandas as pd

from assets.warehouse.transcript_results import AVAILABLE, DECLINED


def days_label(first_day: date, end_day: date) -> str:
    """The partitions [first_day, end_day) as an analyst writes them: ``2026-11-01..2026-11-14``,
    or one date for a single day."""
    last_day = end_day - timedelta(days=1)
    if last_day <= first_day:
        return first_day.isoformat()
    return f"{first_day.isoformat()}..{last_day.isoformat()}"


def partition_days(partition_keys: Iterable[str]) -> list[date]:
    """The days of daily partition keys (``2026-11-14``)."""
    return [date.fromisoformat(key) for key in partition_keys]


def rows_by_day(frame: pd.DataFrame) -> Counter[date]:
    """Rows of a table frame per partition_date."""
    return Counter(pd.to_datetime(frame["partition_date"]).dt.date)


def row_counts_by_day(days: list[date], frame: pd.DataFrame) -> dict[date, dict]:
    """Per day: the table frame's rows, as Dagster's row count."""
    rows = rows_by_day(frame)
    return {day: {"dagster/row_count": rows[day]} for day in days}


def meet_numbers_by_day(
    days: list[date],
    transcripts: pd.DataFrame,
    entries: pd.DataFrame,
    requests: dict[str, float],
) -> dict[date, dict]:
    """Per day: meetings held, those the account declined, transcripts available, coverage
    of the meetings held (omitted on days without), transcript entries and the Google
    requests of that day's meetings."""
    declined = transcripts["transcript_status"] == DECLINED
    meetings = rows_by_day(transcripts[~declined])
    declined_by_day = rows_by_day(transcripts[declined])
    entry_counts = rows_by_day(entries)
    transcript_days = pd.to_datetime(transcripts["partition_date"]).dt.date
    available = Counter(transcript_days[transcripts["transcript_status"] == AVAILABLE])
    spent: dict[date, float] = defaultdict(float)
    for event_id, day in zip(transcripts["event_id"], transcript_days, strict=True):
        spent[day] += requests.get(event_id, 0.0)
    numbers = {}
    for day in days:
        found = {
            "meetings": meetings[day],
            "declined_meetings": declined_by_day[day],
            "transcripts_available": available[day],
            "entries": entry_counts[day],
            "google_requests": round(spent[day], 2),
        }
        if meetings[day]:
            found["coverage"] = round(available[day] / meetings[day], 4)
        numbers[day] = found
    return numbers


def range_share(total: int, days: list[date]) -> float:
    """One day's equal share of requests that served all ``days`` at once."""
    return round(total / len(days), 2) if days else 0.0


def calendar_numbers_by_day(
    days: list[date], events: pd.DataFrame, meet_events: pd.DataFrame, requests: int
) -> dict[date, dict]:
    """Per day: events stored, Meet events among them, and the day's share of the listing's
    requests."""
    stored, meet = rows_by_day(events), rows_by_day(meet_events)
    share = range_share(requests, days)
    return {
        day: {"dagster/row_count": stored[day], "meet_events": meet[day], "google_requests": share}
        for day in days
    }


def record_day_metadata(
    context: dg.AssetExecutionContext, asset_key: str, numbers: dict[date, dict]
) -> None:
    """Attach each day's numbers to the materialization of that day's partition."""
    for key in context.partition_keys:
        context.add_asset_metadata(
            numbers[date.fromisoformat(key)], asset_key=asset_key, partition_key=key
        )
