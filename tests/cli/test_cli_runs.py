"""The Dagster CLI path analysts use, and what a killed run leaves behind."""

import os
import random
import signal
import subprocess
import time
from datetime import timedelta

import dagster as dg
import duckdb
import pytest

from cli.backfill import materialize_command
from tests.helpers import (
    DAGSTER,
    PIPELINE_TABLES,
    PROJECT_ROOT,
    YESTERDAY,
    change_every_utterance,
    cli_env,
    snapshot,
)


def test_cli_backfills_a_range_in_one_run(connected, tmp_path):
    first, last = YESTERDAY - timedelta(days=4), YESTERDAY
    env = cli_env(tmp_path)
    done = subprocess.run(
        materialize_command(first, last), env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with duckdb.connect(str(connected.duckdb_path), read_only=True) as conn:
        days = conn.execute(
            "SELECT DISTINCT partition_date FROM calendar_events ORDER BY 1"
        ).fetchall()
    assert [d[0] for d in days] == [first + timedelta(days=n) for n in range(5)]
    # The run log's lines reach the analyst's terminal, with dates for the range.
    output = done.stdout + done.stderr
    assert f"Meet fetch {first}..{last} finished:" in output, output[-3000:]
    assert f"events overlapping {first}..{last}" in output
    assert "TimeWindow(" not in output
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        runs = instance.get_runs()
    assert len(runs) == 1 and runs[0].status == dg.DagsterRunStatus.SUCCESS


def test_definitions_validate(environment):
    done = subprocess.run(
        [DAGSTER, "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.slow
def test_killed_runs_leave_old_or_new_slices_never_a_mix(connected_factory, tmp_path):
    env_info, ws = connected_factory(days=3, meetings_per_day=25, long_transcript_entries=30000)
    first, last = YESTERDAY - timedelta(days=2), YESTERDAY
    env = cli_env(tmp_path)
    command = materialize_command(first, last)

    started = time.monotonic()
    assert subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True).returncode == 0
    full_run = time.monotonic() - started
    old = snapshot(env_info.duckdb_path)
    assert old["transcript_entries"]

    change_every_utterance(ws)
    rng = random.Random(5)
    killed_states = []
    for fraction in (0.55, 0.7, 0.8, 0.9, 0.97):
        # All on one Dagster instance: a killed run blocks none of the next ones.
        process = subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(full_run * fraction * rng.uniform(0.9, 1.1))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        killed_states.append(snapshot(env_info.duckdb_path))

    assert subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True).returncode == 0
    new = snapshot(env_info.duckdb_path)
    assert new["transcript_entries"] != old["transcript_entries"]
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        # the last run marked the killed ones failed as it started
        statuses = {run.status for run in instance.get_runs()}
    assert dg.DagsterRunStatus.STARTED not in statuses
    for state in killed_states:
        for table in PIPELINE_TABLES:
            assert state[table] in (old[table], new[table]), f"{table} is neither old nor new"
        # the three Meet tables are written in one transaction
        meet_tables = ("conference_records", "transcripts", "transcript_entries")
        assert all(state[t] == old[t] for t in meet_tables) or all(
            state[t] == new[t] for t in meet_tables
        )


def test_backfill_and_schedule_run_side_by_side_both_succeed(connected, tmp_path):
    """Both write DuckDB; each waits while the other has the file open, then succeeds."""
    env = cli_env(tmp_path)
    backfill = subprocess.Popen(
        materialize_command(YESTERDAY - timedelta(days=6), YESTERDAY),
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    nightly = subprocess.Popen(
        [*materialize_command(YESTERDAY, YESTERDAY)[:-2], "--partition", YESTERDAY.isoformat()],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    logs = [process.communicate(timeout=300)[0] for process in (backfill, nightly)]
    assert [backfill.returncode, nightly.returncode] == [0, 0], logs[0][-2000:] + logs[1][-2000:]
    with duckdb.connect(str(connected.duckdb_path), read_only=True) as conn:
        days = conn.execute("SELECT count(DISTINCT partition_date) FROM transcripts").fetchone()
    assert days == (7,)
