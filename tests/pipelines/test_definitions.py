"""A snapshot of what analysts and schedules depend on: a rename shows up here in review."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from assets.warehouse.migrations import migrate
from pipelines.definitions import defs
from pipelines.resources import build_resources
from settings import Settings

PIPELINE_ASSETS = {
    "calendar_events",
    "meet_meetings",
    "conference_records",
    "transcripts",
    "transcript_entries",
}
SQL_MODELS = {
    "meetings",
    "meeting_attendees",
    "partner_meeting_summary",
    "speaker_talk_time",
    "daily_meeting_stats",
}
EXPECTED_ASSETS = PIPELINE_ASSETS | SQL_MODELS
EXPECTED_JOBS = {
    "import_meetings": EXPECTED_ASSETS,
    "recheck_transcripts": {"conference_records", "transcripts", "transcript_entries", "meetings"},
}
EXPECTED_SCHEDULES = {
    "daily_import": ("0 2 * * *", "import_meetings"),
    "late_transcripts": ("0 8 * * *", "recheck_transcripts"),
}
EXPECTED_CHECKS = {
    ("meet_meetings", "unique_event_ids"),
    ("meet_meetings", "end_not_before_start"),
    ("meet_meetings", "has_conference_id"),
    ("transcripts", "transcript_coverage"),
    ("transcripts", "one_row_per_meeting"),
    ("conference_records", "records_belong_to_one_meeting"),
}
PARTITIONED = PIPELINE_ASSETS


def asset_keys() -> set[str]:
    return {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}


def test_asset_keys_are_the_tables_and_views_analysts_query():
    from assets.models.sql_models import load_models

    assert {model.name for model in load_models()} == SQL_MODELS
    assert asset_keys() == EXPECTED_ASSETS


def test_jobs_and_their_assets():
    for name, expected in EXPECTED_JOBS.items():
        selected = {
            k.to_user_string() for k in defs.resolve_job_def(name).asset_layer.selected_asset_keys
        }
        assert expected <= selected, name
        if name == "import_meetings":
            assert selected == asset_keys()


def test_schedule_crons():
    found = {s.name: (s.cron_schedule, s.job_name) for s in defs.get_repository_def().schedule_defs}
    assert found == EXPECTED_SCHEDULES


def test_dead_run_workers_sensor_and_the_executor_that_records_run_workers():
    sensors = {s.name: s for s in defs.get_repository_def().sensor_defs}
    assert set(sensors) == {"dead_run_workers"}
    assert sensors["dead_run_workers"].default_status == dg.DefaultSensorStatus.RUNNING
    for name in EXPECTED_JOBS:
        assert defs.resolve_job_def(name).executor_def.name == "in_process_with_dead_run_check"


def test_asset_checks():
    graph = defs.resolve_asset_graph()
    checks = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    assert checks == EXPECTED_CHECKS
    for key in graph.asset_check_keys:
        assert graph.get_check_spec(key).description, key.name


def test_every_asset_is_documented_owned_grouped_and_single_run():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        name = key.to_user_string()
        assert node.description, name
        assert node.owners == ["team:meetsync"], name
        assert node.group_name in {"google_calendar", "google_meet", "analytics"}, name
        assert node.kinds, name
        assert node.backfill_policy == dg.BackfillPolicy.single_run(), name
        # No Dagster pool: a dead run would keep its slot. DuckDB's file lock serializes writers.
        assert not node.pools, name
        assert (node.partitions_def is not None) == (name in PARTITIONED), name
        schema = node.metadata.get("dagster/column_schema")
        assert schema is not None and schema.columns, name
        undescribed = [column.name for column in schema.columns if not column.description]
        assert not undescribed, (name, undescribed)


def evaluate(schedule_name: str, tick: datetime, database: Path | None = None):
    """One tick of a schedule, as the Dagster daemon evaluates it (with the DuckDB resource
    pointed at ``database`` when given)."""
    schedule = defs.resolve_schedule_def(schedule_name)
    duckdb_resource = (
        build_resources(Settings(duckdb_path=database))["duckdb"] if database else None
    )
    resources = {"duckdb": duckdb_resource} if database else None
    with dg.build_schedule_context(
        scheduled_execution_time=tick, repository_def=defs.get_repository_def(), resources=resources
    ) as context:
        return schedule.evaluate_tick(context)


def test_daily_schedule_runs_yesterdays_partition():
    requests = evaluate("daily_import", datetime(2026, 11, 25, 2, tzinfo=UTC)).run_requests
    assert [r.partition_key for r in requests] == ["2026-11-24"]


def seed_transcripts(path, statuses: dict[date, str], final: bool | None = True) -> None:
    """One meeting a day with ``status``; an available one is ``final`` or not."""
    with duckdb.connect(str(path)) as conn:
        migrate(conn)
        for day, status in statuses.items():
            is_final = final if status == "available" else None
            conn.execute(
                "INSERT INTO transcripts (partition_date, transcript_status, transcript_final) "
                "VALUES (?, ?, ?)",
                [day, status, is_final],
            )


def test_late_transcripts_rechecks_recent_days_only(tmp_path):
    database = tmp_path / "m.duckdb"
    today = date(2026, 11, 25)
    seed_transcripts(
        database,
        {
            today - timedelta(days=1): "pending",  # yesterday: the nightly import covers it
            today - timedelta(days=2): "pending",
            today - timedelta(days=3): "available",
            today - timedelta(days=4): "no_conference",
            today - timedelta(days=5): "pending",  # too old: never asked again
        },
    )
    result = evaluate("late_transcripts", datetime(2026, 11, 25, 8, tzinfo=UTC), database)
    assert sorted(r.partition_key for r in result.run_requests) == ["2026-11-21", "2026-11-23"]


def test_late_transcripts_rechecks_unsupported_and_unfinished_transcripts(tmp_path):
    database = tmp_path / "m.duckdb"
    today = date(2026, 11, 25)
    seed_transcripts(
        database,
        {
            today - timedelta(days=2): "unsupported",  # the account may be fixed by now
            today - timedelta(days=3): "available",  # ENDED only: its file may still come
            today - timedelta(days=4): "not_permitted",  # needs a new consent, not a re-check
            today - timedelta(days=6): "unsupported",  # too old: never asked again
        },
        final=False,
    )
    result = evaluate("late_transcripts", datetime(2026, 11, 25, 8, tzinfo=UTC), database)
    assert sorted(r.partition_key for r in result.run_requests) == ["2026-11-22", "2026-11-23"]


def test_late_transcripts_skips_when_nothing_waits(tmp_path):
    database = tmp_path / "m.duckdb"
    seed_transcripts(database, {date(2026, 11, 23): "available"})
    result = evaluate("late_transcripts", datetime(2026, 11, 25, 8, tzinfo=UTC), database)
    assert not result.run_requests and result.skip_message


def test_late_transcripts_skips_a_file_the_next_import_has_to_migrate(tmp_path):
    """A file from before schema versions (here without transcript_final) is never queried
    read-only: the schedule waits for the next import to migrate it."""
    database = tmp_path / "m.duckdb"
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE TABLE transcripts (partition_date DATE, transcript_status VARCHAR)")
        conn.execute("INSERT INTO transcripts VALUES (DATE '2026-11-23', 'pending')")
    result = evaluate("late_transcripts", datetime(2026, 11, 25, 8, tzinfo=UTC), database)
    assert not result.run_requests and "schema version 0" in result.skip_message
    with duckdb.connect(str(database)) as conn:
        migrate(conn)
    result = evaluate("late_transcripts", datetime(2026, 11, 25, 8, tzinfo=UTC), database)
    assert [r.partition_key for r in result.run_requests] == ["2026-11-23"]


# The columns and statuses analysts query: a rename or a removal shows up here in review.
EXPECTED_COLUMNS = {
    "calendar_events": "event_id partition_date title start_time end_time all_day status "
    "organizer_email attendees attendee_responses rooms recurring_event_id "
    "conference_solution conference_id html_link account_email attachments event_type "
    "attendees_omitted account_response",
    "meet_meetings": "event_id partition_date title start_time end_time attendees "
    "attendee_responses rooms conference_id organizer_email recurring_event_id account_email "
    "attachments event_type attendees_omitted account_response",
    "transcripts": "event_id partition_date conference_id transcript_status transcript "
    "transcript_final entry_count record_count transcript_names status_detail checked_at "
    "transcript_source transcript_doc_ids doc_texts",
}
EXPECTED_STATUSES = (
    "available pending no_transcript no_conference expired unsupported not_permitted failed "
    "declined"
)


def test_table_columns_and_transcript_statuses():
    from assets.warehouse.tables import CALENDAR_EVENTS, MEET_MEETINGS, TRANSCRIPTS
    from assets.warehouse.transcript_results import RECHECK_STATUSES, STATUSES

    tables = {
        t.name: " ".join(t.column_names) for t in (CALENDAR_EVENTS, MEET_MEETINGS, TRANSCRIPTS)
    }
    assert tables == EXPECTED_COLUMNS
    assert " ".join(STATUSES) == EXPECTED_STATUSES
    assert set(RECHECK_STATUSES) == {"pending", "no_conference", "failed", "unsupported"}
