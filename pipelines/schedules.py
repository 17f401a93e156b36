"""Schedules: import yesterday every night; re-check late transcripts for a few days, and
meetings whose transcript Doc Drive refused once a week for a few weeks."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from assets.drive.doc_export import DRIVE_DETAIL_PREFIX
from assets.warehouse.migrations import SCHEMA_VERSION, schema_version
from assets.warehouse.partitions import TIMEZONE
from assets.warehouse.slices import read_sql
from assets.warehouse.transcript_results import EXPIRED, FAILED, RECHECK_STATUSES
from pipelines.jobs import import_meetings, recheck_transcripts
from settings import Settings

# A meeting whose Doc Drive refused ends 'expired' (a lasting refusal) or 'failed' (Drive kept
# failing); it is asked again when its last check is at least this many days old.
DRIVE_RECHECK_EVERY_DAYS = 7
DRIVE_RECHECK_STATUSES = (EXPIRED, FAILED)

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


@dataclass(frozen=True)
class RecheckWindows:
    """How long meetings are fetched again: ``days`` after the meeting for late, unfinished,
    failed or unsupported transcripts (every day); ``drive_days`` after it for meetings whose
    transcript Doc Drive refused (once every ``DRIVE_RECHECK_EVERY_DAYS``)."""

    days: int
    drive_days: int

    @classmethod
    def of(cls, settings: Settings) -> "RecheckWindows":
        return cls(settings.recheck_days, settings.drive_recheck_days)


def days_to_recheck(database: str, today: date, windows: RecheckWindows) -> list[date]:
    """Days before yesterday (the nightly import covers it) with meetings whose transcript may
    still arrive or change: among the last ``windows.days``, or, for a Doc Drive refused and
    not asked again for a week, among the last ``windows.drive_days``. Older days are never
    retried."""
    first, end = today - timedelta(days=windows.days + 1), today - timedelta(days=1)
    week_ago = today - timedelta(days=DRIVE_RECHECK_EVERY_DAYS - 1)
    parameters = {
        "first_day": first,
        "end_day": end,
        "statuses": list(RECHECK_STATUSES),
        "drive_first_day": today - timedelta(days=windows.drive_days),
        "drive_statuses": list(DRIVE_RECHECK_STATUSES),
        "drive_prefix": DRIVE_DETAIL_PREFIX,
        "drive_checked_before": datetime.combine(week_ago, time(), ZoneInfo(TIMEZONE)),
    }
    with duckdb.connect(database, read_only=True) as conn:
        found = schema_version(conn)
        if found < SCHEMA_VERSION:
            raise NotMigratedYet(
                f"The DuckDB file is at schema version {found}, this meetsync's is "
                f"{SCHEMA_VERSION}: nothing to re-check until the next import migrates it"
            )
        rows = conn.execute(read_sql("days_to_recheck"), parameters).fetchall()
    return [row[0] for row in rows]


def recheck_requests(
    database: str, today: date, windows: RecheckWindows
) -> list[dg.RunRequest] | dg.SkipReason:
    """One run per day that still waits for a transcript, or why none is needed now."""
    try:
        days = days_to_recheck(database, today, windows)
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


def late_transcripts_schedule(settings: Settings) -> dg.ScheduleDefinition:
    """The 08:00 re-check of the days before yesterday, within the settings' windows."""
    windows = RecheckWindows.of(settings)

    @dg.schedule(
        name="late_transcripts",
        job=recheck_transcripts,
        cron_schedule="0 8 * * *",
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Fetches again, for {windows.days} days after the meeting, transcripts "
        "that were still pending, not final (ENDED), failed, unsupported, or whose conference "
        f"was not found; and, once a week for {windows.drive_days} days after the meeting, "
        "meetings whose transcript Doc Drive refused (not shared, not found, too large, a "
        "policy): sharing can change. Then stops asking.",
    )
    def late_transcripts(context: dg.ScheduleEvaluationContext, duckdb: DuckDBResource):
        scheduled = context.scheduled_execution_time or datetime.now(ZoneInfo(TIMEZONE))
        today = scheduled.astimezone(ZoneInfo(TIMEZONE)).date()
        return recheck_requests(duckdb.database, today, windows)

    return late_transcripts
