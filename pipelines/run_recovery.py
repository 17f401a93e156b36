"""Runs whose worker process died (``kill -9``, the OOM killer, a reboot) are marked failed.

A killed run never reports its own end, so Dagster shows it as running forever. Every run of
this code location records who its worker process is (``pipelines.run_workers``) before its
first step, and two places look for recorded workers that are gone:

- every run, before its first step (``in_process_executor_with_dead_run_check``): plain
  ``dagster asset materialize`` runs need no daemon;
- the sensor ``dead_run_workers``, every 30 seconds while the Dagster daemon runs
  (``dagster dev``), so a dead run is marked failed within a minute even if no run follows.

Only runs recorded on this machine are judged, and only a worker proven gone (see
``run_workers.judge``) gets its run reported failed, with the reason; any Dagster concurrency
slot the run still held is freed. A run that never recorded its worker is never touched.
Nothing here is needed to let the next run write: DuckDB's file lock dies with the process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.run_workers import (
    TAG_PREFIX,
    Liveness,
    WorkerIdentity,
    check,
    this_machine,
    this_worker,
)

if TYPE_CHECKING:  # Dagster's executor interface; these types are not exported
    from dagster._core.execution.context.system import PlanOrchestrationContext
    from dagster._core.execution.plan.plan import ExecutionPlan
    from dagster._core.execution.retries import RetryMode
    from dagster._core.execution.step_dependency_config import StepDependencyConfig

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


def record_this_worker(instance: dg.DagsterInstance, run_id: str) -> WorkerIdentity | None:
    """Tag the run with the identity of the calling process, its worker (None without
    /proc: such a run is never judged)."""
    identity = this_worker()
    if identity is not None:
        instance.add_run_tags(run_id, identity.as_tags())
    return identity


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


class ExecutorWithDeadRunCheck(dg.Executor):
    """Another executor, run after recording this run's worker and failing dead runs."""

    def __init__(self, inner: dg.Executor) -> None:
        self._inner = inner

    @property
    def retries(self) -> RetryMode:
        return self._inner.retries

    @property
    def step_dependency_config(self) -> StepDependencyConfig:
        return self._inner.step_dependency_config

    def execute(
        self, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan
    ) -> Iterator[dg.DagsterEvent]:
        try:
            record_and_check(plan_context)
        except Exception as error:  # bookkeeping: it never fails the import itself
            plan_context.log.warning(f"Dead-run check skipped: {error!r}")
        yield from self._inner.execute(plan_context, execution_plan)


def record_and_check(plan_context: PlanOrchestrationContext) -> None:
    """Record this run's worker, then fail the runs of this machine whose worker is gone."""
    run_id = plan_context.dagster_run.run_id
    identity = record_this_worker(plan_context.instance, run_id)
    if identity is not None:
        plan_context.log.debug(
            f"Run worker: process {identity.pid} on {identity.host} "
            "(recorded in the run's meetsync/worker_* tags)"
        )
    for dead in fail_runs_with_dead_workers(plan_context.instance, f"run {run_id} as it started"):
        plan_context.log.warning(
            f"Marked run {dead.run_id} failed: its worker process {dead.pid} is gone "
            f"({dead.reason})"
        )


@dg.executor(
    name="in_process_with_dead_run_check",
    config_schema=dg.in_process_executor.config_schema,
)
def in_process_executor_with_dead_run_check(init_context: dg.InitExecutorContext) -> dg.Executor:
    """Dagster's in-process executor (every step in the run's own process), preceded by the
    dead-run check of ``pipelines.run_recovery``."""
    inner = dg.in_process_executor.executor_creation_fn(init_context)
    return ExecutorWithDeadRunCheck(inner)
