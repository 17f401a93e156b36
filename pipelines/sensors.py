"""Runs whose worker process died (``kill -9``, the OOM killer, a reboot) are marked failed.

A killed run never reports its own end, so Dagster shows it as running forever. Every run of
this code location records who its worker process is (``resources.run_workers``) before its
first step, and two places look for recorded workers that are gone, both with
``fail_runs_with_dead_workers``:

- every run, before its first step (``pipelines.executors``): plain ``dagster asset
  materialize`` runs need no daemon;
- the sensor ``dead_run_workers``, every 30 seconds while the Dagster daemon runs
  (``dagster dev``), so a dead run is marked failed within a minute even if no run follows.

Only runs recorded on this machine are judged, and only a worker proven gone (see
``run_workers.judge``) gets its run reported failed, with the reason; any Dagster concurrency
slot the run still held is freed. A run that never recorded its worker is never touched.
Nothing here is needed to let the next run write: DuckDB's file lock dies with the process.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from resources.run_workers import (
    TAG_PREFIX,
    Liveness,
    WorkerIdentity,
    check,
    this_machine,
)

SENSOR_INTERVAL_SECONDS = 30
HOST_TAG = f"{TAG_PREFIX}host"


@dataclass(frozen=True)
class DeadRun:
    run_id: str
    pid: int
    reason: str


def failure_message(pid: int, reason: str, noticed_by: str) -> str:
    return (
        f"Run worker process {pid} is gone ({reason}): killed, crashed or its machine "
        f"restarted. Marked failed by {noticed_by}. Each table keeps its previous slice or "
        "the new one, never a mix; re-execute the run to import its partitions."
    )


def fail_runs_with_dead_workers(instance: dg.DagsterInstance, noticed_by: str) -> list[DeadRun]:
    """Report failed every started run of ``instance`` whose worker, recorded on this machine,
    is gone; free the concurrency slots it held. The runs reported."""
    machine = this_machine()
    if machine.boot_id is None:
        return []
    started = instance.get_runs(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED], tags={HOST_TAG: machine.host})
    )
    dead = []
    for run in started:
        recorded = WorkerIdentity.from_tags(run.tags)
        if recorded is None:
            continue
        verdict = check(recorded)
        if verdict.liveness is not Liveness.GONE:
            continue
        current = instance.get_run_by_id(run.run_id)
        if current is None or current.status != dg.DagsterRunStatus.STARTED:
            continue  # it ended meanwhile, or someone else reported it
        instance.report_run_failed(
            current, message=failure_message(recorded.pid, verdict.reason, noticed_by)
        )
        if instance.event_log_storage.supports_global_concurrency_limits:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        dead.append(DeadRun(run.run_id, recorded.pid, verdict.reason))
    return dead


def describe(dead: list[DeadRun]) -> str:
    if not dead:
        return "No run of this machine has lost its worker process"
    return "Marked failed: " + "; ".join(
        f"run {run.run_id} (worker process {run.pid}: {run.reason})" for run in dead
    )


@dg.sensor(
    name="dead_run_workers",
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks failed, with the reason, the runs of this machine whose worker process "
    "is gone (kill -9, OOM killer, reboot); never a run whose worker still runs.",
)
def dead_run_workers(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    dead = fail_runs_with_dead_workers(context.instance, "the sensor dead_run_workers")
    for run in dead:
        context.log.warning(f"Run {run.run_id}: worker process {run.pid} is gone ({run.reason})")
    return dg.SkipReason(describe(dead))
