"""Schedules: import yesterday every night; re-check late transcripts for a few days."""

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from assets.transcript_assembly import RECHECK_STATUSES
from assets.warehouse import read_sql
from pipelines.jobs import import_meetings, recheck_transcripts
from pipelines.partitions import TIMEZONE

RECHECK_DAYS = int(os.environ.get("MEETSYNC_RECHECK_DAYS") or 3)

daily_import = dg.build_schedule_from_partitioned_job(
    import_meetings,
    name="daily_import",
    description="Imports yesterday's partition (in MEETSYNC_TIMEZONE) every night.",
    hour_of_day=2,
    minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def days_to_recheck(database: str, today: date, days: int = RECHECK_DAYS) -> list[date]:
    """Days among the last ``days`` (yesterday excluded: the nightly import covers it) with
    meetings whose transcript may still arrive. Older days are never retried."""
    first, end = today - timedelta(days=days + 1), today - timedelta(days=1)
    with duckdb.connect(database, read_only=True) as conn:
        rows = conn.execute(
            read_sql("days_to_recheck"),
            {"first_day": first, "end_day": end, "statuses": list(RECHECK_STATUSES)},
        ).fetchall()
    return [row[0] for row in rows]


@dg.schedule(
    job=recheck_transcripts,
    cron_schedule="0 8 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=f"Fetches again, for {RECHECK_DAYS} days after the meeting, transcripts that "
    "were still pending or whose conference was not found; then stops asking.",
)
def late_transcripts(context: dg.ScheduleEvaluationContext):
    database = os.environ.get("MEETSYNC_DUCKDB_PATH") or "data/meetsync.duckdb"
    scheduled = context.scheduled_execution_time or datetime.now(ZoneInfo(TIMEZONE))
    today = scheduled.astimezone(ZoneInfo(TIMEZONE)).date()
    try:
        days = days_to_recheck(database, today)
    except duckdb.IOException as error:
        return dg.SkipReason(f"DuckDB not readable now ({error}); next tick tries again")
    except duckdb.CatalogException:
        return dg.SkipReason("No transcripts imported yet")
    if not days:
        return dg.SkipReason("No recent meeting is waiting for its transcript")
    return [
        dg.RunRequest(run_key=f"recheck-{day}-{today}", partition_key=day.isoformat())
        for day in days
    ]
