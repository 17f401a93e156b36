"""The re-check rule for meetings whose transcript Doc Drive refused: once a week (last check
at least 7 days ago), while the meeting is at most ``drive_recheck_days`` old."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import dagster as dg
import duckdb

from assets.drive.doc_matching import NO_DRIVE_PERMISSION
from assets.warehouse.migrations import migrate
from pipelines.resources import build_resources
from pipelines.schedules import RecheckWindows, late_transcripts_schedule, recheck_requests
from settings import Settings

TODAY = date(2026, 11, 25)
TICK = datetime(2026, 11, 25, 8, tzinfo=UTC)  # the 08:00 tick (MEETSYNC_TIMEZONE is UTC)
NOT_FOUND = "Drive 404 notFound: the account has no read access to transcript Doc d1, or ..."


def ago(days: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute, tzinfo=UTC) - timedelta(
        days=days
    )


def seed(path, rows: list[tuple[int, str, str, datetime]]) -> None:
    """One meeting per row: (days before today, status, status_detail, checked_at)."""
    with duckdb.connect(str(path)) as conn:
        migrate(conn)
        for number, (days, status, detail, checked) in enumerate(rows):
            conn.execute(
                "INSERT INTO transcripts (event_id, partition_date, transcript_status, "
                "status_detail, checked_at) VALUES (?, ?, ?, ?, ?)",
                [f"e{number}", TODAY - timedelta(days=days), status, detail, checked],
            )


def rechecked(path, windows: RecheckWindows) -> list[int]:
    found = recheck_requests(str(path), TODAY, windows)
    if isinstance(found, dg.SkipReason):
        return []
    return sorted((TODAY - date.fromisoformat(r.partition_key)).days for r in found)


def test_a_doc_drive_refused_is_asked_again_weekly_for_the_window(tmp_path):
    database = tmp_path / "m.duckdb"
    seed(
        database,
        [
            (40, "expired", NOT_FOUND, ago(10)),  # last asked 10 days ago: again
            (41, "expired", "Drive 403 domainPolicy: ...", ago(3)),  # asked this week: not yet
            (42, "expired", "Drive 403 exportSizeLimitExceeded: ...", ago(7, 8, 30)),  # a week
            (43, "expired", "Drive 403 exportSizeLimitExceeded: ...", ago(6, 0, 30)),  # 6 days
            (50, "failed", "Drive 503 backendError for Doc d2 after every retry", ago(8)),
            (59, "expired", NOT_FOUND, ago(30)),  # inside the 60 days
            (61, "expired", NOT_FOUND, ago(30)),  # older than the window: never again
            (45, "expired", NO_DRIVE_PERMISSION, ago(30)),  # needs a consent, not a re-check
            (46, "expired", "Meet keeps transcripts 30 days, and no transcript Doc ...", ago(30)),
            (33, "available", f"{NOT_FOUND}; one of two Docs", ago(30)),  # the other Doc read
        ],
    )
    assert rechecked(database, RecheckWindows(days=3, drive_days=60)) == [40, 42, 50, 59]
    assert rechecked(database, RecheckWindows(days=3, drive_days=45)) == [40, 42]
    assert rechecked(database, RecheckWindows(days=3, drive_days=0)) == []


def test_the_schedule_takes_both_windows_from_the_settings(tmp_path):
    database = tmp_path / "m.duckdb"
    seed(database, [(2, "pending", "", ago(1)), (40, "expired", NOT_FOUND, ago(9))])
    settings = Settings(duckdb_path=database, recheck_days=3, drive_recheck_days=45)
    schedule = late_transcripts_schedule(settings)
    assert "once a week for 45 days" in schedule.description
    with dg.build_schedule_context(
        scheduled_execution_time=TICK, resources={"duckdb": build_resources(settings)["duckdb"]}
    ) as context:
        requests = schedule(context)  # the tick's function, as the daemon calls it
    assert sorted(r.partition_key for r in requests) == ["2026-10-16", "2026-11-23"]
    assert Settings.from_env({"MEETSYNC_DRIVE_RECHECK_DAYS": "21"}).drive_recheck_days == 21
