"""The executor of every job: Dagster's in-process executor, preceded by the dead-run check.

Before the first step of a run, its worker process (the run's own process) records who it is
in the run's tags, and the runs of this machine whose recorded worker is gone are marked failed
(``pipelines.dead_runs.fail_runs_with_dead_workers``). The check never fails the run it runs in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.dead_runs import WorkerIdentity, fail_runs_with_dead_workers, this_worker

if TYPE_CHECKING:  # Dagster's executor interface; these types are not exported
    from dagster._core.execution.context.system import PlanOrchestrationContext
    from dagster._core.execution.plan.plan import ExecutionPlan
    from dagster._core.execution.retries import RetryMode
    from dagster._core.execution.step_dependency_config import StepDependencyConfig


def record_this_worker(instance: dg.DagsterInstance, run_id: str) -> WorkerIdentity | None:
    """Tag the run with the identity of the calling process, its worker (None without
    /proc: such a run is never judged)."""
    identity = this_worker()
    if identity is not None:
        instance.add_run_tags(run_id, identity.as_tags())
    return identity


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
    dead-run check."""
    inner = dg.in_process_executor.executor_creation_fn(init_context)
    return ExecutorWithDeadRunCheck(inner)
