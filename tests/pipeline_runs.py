"""Running the real Definitions' assets in-process, and reading back what they wrote."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

PIPELINE_TABLES = (
    "calendar_events",
    "meet_meetings",
    "conference_records",
    "transcripts",
    "transcript_entries",
)
# Columns that say when a run happened, not what it found.
RUN_TIME_COLUMNS = frozenset({"checked_at"})


def materialize_range(
    first: date,
    last: date,
    selection: str = "*",
    raise_on_error: bool = True,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """One single-run backfill of [first, last] through every selected asset, with the
    resources configured from the current environment, on a throw-away instance unless one
    is given, whose event log then holds the run's log lines."""
    from pipelines.definitions import defs
    from pipelines.resources import build_resources
    from settings import Settings

    assets = list(defs.assets or [])
    resources = build_resources(Settings.from_env())
    return dg.materialize(
        assets,
        selection=selection,
        resources=resources,
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
        tags={
            "dagster/asset_partition_range_start": first.isoformat(),
            "dagster/asset_partition_range_end": last.isoformat(),
        },
    )


def snapshot(database: Path | str) -> dict[str, list[tuple]]:
    """Every pipeline table's rows, sorted, without run-time columns: equal snapshots mean
    equal data."""
    with duckdb.connect(str(database), read_only=True) as conn:
        found = {}
        for table in PIPELINE_TABLES:
            columns = [c[0] for c in conn.execute(f"DESCRIBE {table}").fetchall()]
            kept = ", ".join(c for c in columns if c not in RUN_TIME_COLUMNS)
            found[table] = conn.execute(f"SELECT {kept} FROM {table} ORDER BY ALL").fetchall()
        return found
