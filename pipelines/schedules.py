"""Schedules: import yesterday every night; re-check late transcripts for a few days."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from assets.warehouse.migrations import SCHEMA_VERSION, schema_version
from assets.warehouse.partitions import TIMEZONE
from assets.warehouse.slices import read_sql
from assets.warehouse.transcript_results import RECHECK_STATUSES
from pipelines.jobs import import_meetings, recheck_transcripts

daily_import = dg.build_schedule_from_partitioned_job(
    import_meetings,
    name="daily_import",
    description="Imports yesterday's partition (in MEETSYNC_TIMEZONE) every night.",
    hour_of_day=2,
    minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


class NotMigratedYet(Exception):
    """The DuckDB file is older than this meetsync's schema; the next import migrates it."""


def days_to_recheck(database: str, today: date, days: int) -> list[date]:
    """Days among the last ``days`` (yesterday excluded: the nightly import covers it) with
    meetings whose transcript may still arrive or change. Older days are never retried."""
    first, end = today - timedelta(days=days + 1), today - timedelta(days=1)
    with duckdb.connect(database, read_only=True) as conn:
        found = schema_version(conn)
        if found < SCHEMA_VERSION:
            raise NotMigratedYet(
                f"The DuckDB file is at schema version {found}, this meetsync's is "
                f"{SCHEMA_VERSION}: nothing to re-check until the next import migrates it"
            )
        rows = conn.execute(
            read_sql("days_to_recheck"),
            {"first_day": first, "end_day": end, "statuses": list(RECHECK_STATUSES)},
        ).fetchall()
    return [row[0] for row in rows]


def recheck_requests(
    database: str, today: date, recheck_days: int
) -> list[dg.RunRequest] | dg.SkipReason:
    """One run per day that still waits for a transcript, or why none is needed now."""
    try:
        days = days_to_recheck(database, today, recheck_days)
    except duckdb.IOException as error:
        return dg.SkipReason(f"DuckDB not readable now ({error}); next tick tries again")
    except NotMigratedYet as old:
        return dg.SkipReason(str(old))
    if not days:
        return dg.SkipReason("No recent meeting is waiting for its transcript")
    return [
        dg.RunRequest(run_key=f"recheck-{day}-{today}", partition_key=day.isoformat())
        for day in days
    ]


def late_transcripts_schedule(recheck_days: int) -> dg.ScheduleDefinition:
    """The 08:00 re-check of the ``recheck_days`` days before yesterday."""

    @dg.schedule(
        name="late_transcripts",
        job=recheck_transcripts,
        cron_schedule="0 8 * * *",
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Fetches again, for {recheck_days} days after the meeting, transcripts "
        "that were still pending, not final (ENDED), failed, unsupported, or whose conference "
        "was not found; then stops asking.",
    )
    def late_transcripts(context: dg.ScheduleEvaluationContext, duckdb: DuckDBResource):
        scheduled = context.scheduled_execution_time or datetime.now(ZoneInfo(TIMEZONE))
        today = scheduled.astimezone(ZoneInfo(TIMEZONE)).date()
        return recheck_requests(duckdb.database, today, recheck_days)

    return late_transcripts
