"""A run killed with SIGKILL (what the OOM killer or a reboot does) never blocks the next one.

Real runs on one Dagster instance and one DuckDB file: a CLI run (`dagster asset materialize`)
is killed while it writes; the next CLI run, or with `dagster dev` the daemon's schedule tick,
completes within 90 s (the issue's bound), and the dead run is marked failed with the reason,
by the next run as it starts or by the sensor. A live run is never marked failed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cli.backfill import materialize_command
from emulator import Emulator, FaultConfig
from pipelines.dead_runs import TAG_PREFIX, fail_runs_with_dead_workers
from pipelines.sensors import dead_run_workers
from resources.duckdb_warehouse import lock_holder
from tests.helpers import DAGSTER, PROJECT_ROOT, YESTERDAY, cli_env, stop_process_group

NEXT_RUN_BOUND_SECONDS = 90


def start_run(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def run_of_worker(instance: dg.DagsterInstance, pid: int, timeout: float = 60) -> dg.DagsterRun:
    """The run whose worker (recorded in its tags) is process ``pid``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={f"{TAG_PREFIX}pid": str(pid)}))
        if runs:
            return runs[0]
        time.sleep(0.2)
    raise AssertionError(f"no run recorded worker process {pid}")


def holds_duckdb(database: Path, pid: int) -> bool:
    """Whether process ``pid`` has the DuckDB file open (it then holds its lock)."""
    try:
        duckdb.connect(str(database), read_only=True).close()
    except duckdb.IOException as error:
        holder = lock_holder(error)
        return holder is not None and holder.pid == pid
    return False


def wait_until_writing_transcripts(
    emulator: Emulator, database: Path, pid: int, timeout: float = 120
) -> None:
    """Return while process ``pid`` has DuckDB open after its Meet calls began: it then writes
    the three Meet tables in one transaction (the longest write of a run)."""
    deadline = time.monotonic() + timeout
    while not (
        emulator.request_counts["meet.conferenceRecords.list"] and holds_duckdb(database, pid)
    ):
        assert time.monotonic() < deadline, "the run never got to write transcripts"
        time.sleep(0.02)


def failure_messages(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [
        entry.dagster_event.message or ""
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        if entry.dagster_event is not None
    ]


@pytest.mark.slow
def test_a_run_killed_mid_write_does_not_block_the_next_cli_run(connected_factory, tmp_path):
    env_info, _ = connected_factory(days=4, meetings_per_day=20, long_transcript_entries=20000)
    env = cli_env(tmp_path)
    doomed = start_run(
        materialize_command(YESTERDAY - timedelta(days=1), YESTERDAY), env, tmp_path / "killed.log"
    )
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        killed = run_of_worker(instance, doomed.pid)
        wait_until_writing_transcripts(env_info.emulator, env_info.duckdb_path, doomed.pid)
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait()
        assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.STARTED

    first, last = YESTERDAY - timedelta(days=3), YESTERDAY - timedelta(days=2)
    started = time.monotonic()
    after = subprocess.run(
        materialize_command(first, last),
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=NEXT_RUN_BOUND_SECONDS,
    )
    print(f"the next run completed {time.monotonic() - started:.1f}s after the kill")
    assert after.returncode == 0, after.stderr[-3000:]
    assert f"Marked run {killed.run_id} failed: its worker process {doomed.pid} is gone" in (
        after.stderr
    )

    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.FAILURE
        (message,) = failure_messages(instance, killed.run_id)
        assert f"Run worker process {doomed.pid} is gone (no process has pid" in message
        # The next run's days are in (old-or-new slices: test_cli_runs's killed-runs test).
        with duckdb.connect(str(env_info.duckdb_path), read_only=True) as conn:
            days = conn.execute("SELECT DISTINCT partition_date FROM transcripts").fetchall()
        assert {first, last} <= {day for (day,) in days}


@pytest.mark.slow
def test_the_check_never_fails_a_live_run(connected, tmp_path):
    """A long run, watched by the check (the sensor's code) many times a second and by another
    run's start, stays alive and succeeds."""
    env = cli_env(tmp_path)
    connected.emulator.faults = FaultConfig(latency_seconds=0.3)
    live = start_run(  # one Meet call at a time: a run of half a minute or more
        materialize_command(YESTERDAY - timedelta(days=2), YESTERDAY),
        {**env, "MEETSYNC_WORKERS": "1"},
        tmp_path / "live.log",
    )
    checks, started = 0, time.monotonic()
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        watched = run_of_worker(instance, live.pid)
        beside = start_run(
            materialize_command(YESTERDAY - timedelta(days=5), YESTERDAY - timedelta(days=4)),
            env,
            tmp_path / "beside.log",
        )
        while live.poll() is None:
            assert fail_runs_with_dead_workers(instance, "the test") == []
            with dg.build_sensor_context(instance=instance) as context:
                assert dead_run_workers(context).skip_message.startswith("No run")
            checks += 1
            time.sleep(0.1)
        print(f"{checks} checks during the {time.monotonic() - started:.0f}s the run lasted")
        assert beside.wait(timeout=120) == 0, (tmp_path / "beside.log").read_text()[-3000:]
        assert live.returncode == 0, (tmp_path / "live.log").read_text()[-3000:]
        assert checks > 100
        assert instance.get_run_by_id(watched.run_id).status == dg.DagsterRunStatus.SUCCESS
        assert failure_messages(instance, watched.run_id) == []


# ----- with dagster dev: the daemon's schedule tick and the sensor ----------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_daily_import_due(env: dict[str, str]) -> None:
    """Store daily_import's schedule state as if it had been running since before its last
    02:00 tick: the daemon then launches that tick's run as soon as it starts (the scheduler
    only ever evaluates past ticks, so this is how a test gets a real tick without waiting)."""
    from dagster._core.scheduler.instigation import InstigatorStatus, ScheduleInstigatorData

    stop = [DAGSTER, "schedule", "stop", "daily_import", "-w", "workspace.yaml"]
    stopped = subprocess.run(stop, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert stopped.returncode == 0, stopped.stderr[-2000:]
    now = datetime.now(UTC)
    last_tick = now.replace(hour=2, minute=0, second=0, microsecond=0)
    if last_tick > now:
        last_tick -= timedelta(days=1)
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        (state,) = [s for s in instance.all_instigator_state() if s.name == "daily_import"]
        since = (last_tick - timedelta(minutes=1)).timestamp()
        running = state.with_status(InstigatorStatus.RUNNING).with_data(
            ScheduleInstigatorData(state.instigator_data.cron_schedule, since)
        )
        instance.update_instigator_state(running)


@contextlib.contextmanager
def dagster_dev(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`dagster dev` (webserver, daemon, code server) on a free port, until the block ends."""
    port = free_port()
    command = [DAGSTER, "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield process
    finally:  # the whole group: webserver, daemon, code server, run workers
        stop_process_group(process)


def wait_for_run(
    instance: dg.DagsterInstance, until: float, tags: dict[str, str], log: Path
) -> dg.DagsterRun:
    """The run with ``tags`` once it has finished (by monotonic time ``until``)."""
    while True:
        runs = instance.get_runs(filters=dg.RunsFilter(tags=tags))
        if runs and runs[0].is_finished:
            return runs[0]
        assert time.monotonic() < until, f"no finished run with {tags}:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)


def wait_for_status(
    instance: dg.DagsterInstance, run_id: str, status: dg.DagsterRunStatus, until: float
) -> None:
    while instance.get_run_by_id(run_id).status != status:
        assert time.monotonic() < until, f"run {run_id} not {status} in time"
        time.sleep(0.5)


def kill_mid_write(
    env_info, command: list[str], env: dict[str, str], log: Path
) -> tuple[dg.DagsterRun, int]:
    """A CLI run, SIGKILLed while it writes the Meet tables; the run and its worker's pid."""
    env_info.emulator.reset_counts()
    doomed = start_run(command, env, log)
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        run = run_of_worker(instance, doomed.pid)
    wait_until_writing_transcripts(env_info.emulator, env_info.duckdb_path, doomed.pid)
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait()
    return run, doomed.pid


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_b_with_dagster_dev_the_schedule_tick_runs_and_the_sensor_fails_dead_runs(
    connected_factory, tmp_path
):
    env_info, _ = connected_factory(days=4, meetings_per_day=20, long_transcript_entries=20000)
    env = cli_env(tmp_path)
    make_daily_import_due(env)
    range_before_tick = materialize_command(
        YESTERDAY - timedelta(days=3), YESTERDAY - timedelta(days=2)
    )

    # 1. A run is killed mid-write; then dagster dev starts and its daemon ticks daily_import.
    killed, pid = kill_mid_write(env_info, range_before_tick, env, tmp_path / "killed.log")
    killed_at = time.monotonic()
    with (
        dagster_dev(env, tmp_path / "dagster_dev.log"),
        dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance,
    ):
        tick = wait_for_run(
            instance,
            killed_at + NEXT_RUN_BOUND_SECONDS,
            {"dagster/schedule_name": "daily_import"},
            tmp_path / "dagster_dev.log",
        )
        print(
            f"the schedule tick's run finished {time.monotonic() - killed_at:.1f}s after the kill"
        )
        assert tick.status == dg.DagsterRunStatus.SUCCESS
        wait_for_status(instance, killed.run_id, dg.DagsterRunStatus.FAILURE, killed_at + 90)
        (message,) = failure_messages(instance, killed.run_id)
        assert f"Run worker process {pid} is gone" in message

        # 2. A run killed while dagster dev runs, with no run after it: the sensor fails it.
        killed, pid = kill_mid_write(env_info, range_before_tick, env, tmp_path / "killed2.log")
        killed_at = time.monotonic()
        wait_for_status(instance, killed.run_id, dg.DagsterRunStatus.FAILURE, killed_at + 90)
        print(f"the sensor marked the dead run failed {time.monotonic() - killed_at:.1f}s later")
        (message,) = failure_messages(instance, killed.run_id)
        assert f"Run worker process {pid} is gone" in message
        assert "Marked failed by the sensor dead_run_workers" in message
        assert instance.get_run_by_id(tick.run_id).status == dg.DagsterRunStatus.SUCCESS
