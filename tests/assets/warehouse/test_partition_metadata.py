"""What a multi-day run tells the analyst: each partition's own numbers on its materialization,
and the Meet fetch's progress in the run log (real Dagster run, emulator, DuckDB file)."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import dagster as dg
import duckdb
import pytest

from assets.meet.conference_fetch import fetch_conferences
from assets.meet.conference_lookup import requests_by_meeting
from assets.transcripts.transcript_rows import meetings_of
from tests.helpers import YESTERDAY, google_client, materialize_range

FIRST = YESTERDAY - timedelta(days=9)
DAY_COUNTS = {
    "calendar_events": "SELECT partition_date, count(*) FROM calendar_events GROUP BY ALL",
    "meet_meetings": "SELECT partition_date, count(*) FROM meet_meetings GROUP BY ALL",
    "conference_records": "SELECT partition_date, count(*) FROM conference_records GROUP BY ALL",
    "transcripts": "SELECT partition_date, count(*) FROM transcripts GROUP BY ALL",
    "transcript_entries": "SELECT partition_date, count(*) FROM transcript_entries GROUP BY ALL",
}


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def per_partition(result: dg.ExecuteInProcessResult) -> dict[str, dict[date, dict]]:
    """asset -> day -> the metadata of that partition's materialization."""
    found: dict[str, dict[date, dict]] = defaultdict(dict)
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization.partition:
            found[materialization.asset_key.to_user_string()][
                date.fromisoformat(materialization.partition)
            ] = {key: value.value for key, value in materialization.metadata.items()}
    return found


@pytest.fixture
def run(connected):
    instance = dg.DagsterInstance.ephemeral()
    result = materialize_range(FIRST, YESTERDAY, instance=instance)
    assert result.success
    logs = [entry.user_message for entry in instance.all_logs(result.run_id)]
    return connected, result, logs


def test_each_partition_carries_its_own_numbers(run):
    env, result, _ = run
    found = per_partition(result)
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        for asset, sql in DAY_COUNTS.items():
            rows = dict(conn.execute(sql).fetchall())
            assert set(found[asset]) == set(days(FIRST, YESTERDAY)), asset
            for day, metadata in found[asset].items():
                assert metadata["dagster/row_count"] == rows.get(day, 0), (asset, day)
            # not one number repeated over the range: the UI's plots have a shape
            assert len({m["dagster/row_count"] for m in found[asset].values()}) > 1, asset
        statuses = conn.execute(
            "SELECT partition_date, count(*), count(*) FILTER (transcript_status = 'available') "
            "FROM transcripts GROUP BY ALL"
        ).fetchall()
    for day, meetings, available in statuses:
        numbers = found["transcripts"][day]
        assert (numbers["meetings"], numbers["transcripts_available"]) == (meetings, available)
        assert numbers["coverage"] == round(available / meetings, 4)
        assert found["conference_records"][day]["meetings"] == meetings
    meet_requests = sum(n for k, n in env.emulator.request_counts.items() if k.startswith("meet."))
    assert meet_requests > 0
    spent = sum(m["google_requests"] for m in found["transcripts"].values())
    # plus calendar_events' one check, before it writes, that the Meet API is enabled
    (checked,) = {m["range_meet_api_check_requests"] for m in found["calendar_events"].values()}
    assert checked == 1
    spent += checked
    assert spent == pytest.approx(meet_requests, abs=0.01 * len(found["transcripts"]))
    listing = env.emulator.request_counts["calendar.events.list"]
    shares = [m["google_requests"] for m in found["calendar_events"].values()]
    assert sum(shares) == pytest.approx(listing, abs=0.01 * len(shares))


def test_the_run_log_follows_the_meet_fetch_with_dates(run):
    env, _, logs = run
    label = f"{FIRST.isoformat()}..{YESTERDAY.isoformat()}"
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        meetings = conn.execute("SELECT count(*) FROM meet_meetings").fetchone()[0]
    assert f"Meet fetch {label}: {meetings} meetings in the slice" in logs
    finished = [line for line in logs if line.startswith(f"Meet fetch {label} finished:")]
    assert len(finished) == 1 and f"{meetings} of {meetings} meetings" in finished[0], logs
    assert any(line.endswith(f"events overlapping {label}") for line in logs), logs
    assert not [line for line in logs if "TimeWindow" in line]


def test_the_fetch_reports_meetings_done_and_charges_every_request(run):
    env, _, _ = run
    with duckdb.connect(str(env.duckdb_path), read_only=True) as conn:
        frame = conn.execute("SELECT * FROM meet_meetings").df()
    meetings = meetings_of(frame)
    reports: list[tuple[int, int]] = []
    with google_client() as google:
        lookups = fetch_conferences(
            google, meetings, datetime.now(UTC), lambda *done: reports.append(done)
        )
        used = google.usage()
    assert reports[-1] == (len(meetings), len(meetings))
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    spent = requests_by_meeting(lookups)
    assert set(spent) == {m.event_id for m in meetings}
    assert sum(spent.values()) == pytest.approx(used.requests)
