"""Running the real Definitions' assets in-process over a partition range."""

from __future__ import annotations

from datetime import date

import dagster as dg


def materialize_range(
    first: date, last: date, selection: str = "*", raise_on_error: bool = True
) -> dg.ExecuteInProcessResult:
    """One single-run backfill of [first, last] through every selected asset, with the
    resources configured from the current environment."""
    from pipelines.definitions import defs
    from pipelines.resources import build_resources

    assets = list(defs.assets or [])
    return dg.materialize(
        assets,
        selection=selection,
        resources=build_resources(),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=raise_on_error,
        tags={
            "dagster/asset_partition_range_start": first.isoformat(),
            "dagster/asset_partition_range_end": last.isoformat(),
        },
    )
