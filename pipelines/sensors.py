"""The sensor that marks failed the runs whose worker process is gone (``pipelines.dead_runs``),
every 30 seconds while the Dagster daemon runs, so a dead run is marked failed within a minute
even if no run follows."""

from __future__ import annotations

import dagster as dg

from pipelines.dead_runs import describe, fail_runs_with_dead_workers

SENSOR_INTERVAL_SECONDS = 30


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
