"""The dead-run check on a real Dagster instance, with real (live and killed) processes."""

from __future__ import annotations

import os
import subprocess
import sys

import dagster as dg
import pytest

from pipelines.dead_runs import (
    WorkerIdentity,
    fail_runs_with_dead_workers,
    process_stat,
    this_worker,
)
from pipelines.sensors import dead_run_workers

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")


def started_run(instance: dg.DagsterInstance, tags: dict[str, str]) -> str:
    run = instance.add_run(
        dg.DagsterRun(job_name="import_meetings", status=dg.DagsterRunStatus.STARTED, tags=tags)
    )
    return run.run_id


def killed_worker() -> WorkerIdentity:
    """The identity a worker recorded before it was SIGKILLed (and reaped)."""
    me = this_worker()
    assert me is not None
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stat = process_stat(child.pid)
    assert stat is not None
    child.kill()
    child.wait()
    return WorkerIdentity(me.host, me.boot_id, child.pid, stat.start_ticks)


def test_only_runs_whose_worker_on_this_machine_is_gone_are_failed():
    me = this_worker()
    assert me is not None
    dead_worker = killed_worker()
    with dg.instance_for_test() as instance:
        dead = started_run(instance, dead_worker.as_tags())
        live = started_run(instance, me.as_tags())
        elsewhere = WorkerIdentity("another-host", me.boot_id, dead_worker.pid, 1)
        remote = started_run(instance, elsewhere.as_tags())
        unrecorded = started_run(instance, {})
        finished = instance.add_run(  # same dead worker, but the run had ended
            dg.DagsterRun(
                job_name="import_meetings",
                status=dg.DagsterRunStatus.SUCCESS,
                tags=dead_worker.as_tags(),
            )
        ).run_id

        (reported,) = fail_runs_with_dead_workers(instance, "the test")
        assert reported.run_id == dead and reported.pid == dead_worker.pid

        def status(run_id: str) -> dg.DagsterRunStatus:
            return instance.get_run_by_id(run_id).status

        assert status(dead) == dg.DagsterRunStatus.FAILURE
        for untouched in (live, remote, unrecorded):
            assert status(untouched) == dg.DagsterRunStatus.STARTED
        assert status(finished) == dg.DagsterRunStatus.SUCCESS
        (failure,) = instance.all_logs(dead, of_type=dg.DagsterEventType.RUN_FAILURE)
        message = failure.dagster_event.message
        assert message.startswith(f"Run worker process {dead_worker.pid} is gone (")
        assert "Marked failed by the test." in message

        # Once reported, a run is not reported again, by the check or by the sensor.
        assert fail_runs_with_dead_workers(instance, "the test") == []
        with dg.build_sensor_context(instance=instance) as context:
            assert dead_run_workers(context).skip_message.startswith("No run of this machine")


def test_the_sensor_reports_what_it_marked_failed():
    with dg.instance_for_test() as instance:
        dead_worker = killed_worker()
        dead = started_run(instance, dead_worker.as_tags())
        with dg.build_sensor_context(instance=instance) as context:
            skip = dead_run_workers(context).skip_message
        assert skip.startswith(f"Marked failed: run {dead} (worker process {dead_worker.pid}:")
        assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
