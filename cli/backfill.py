"""The Dagster CLI command an analyst runs to import a range of days as one run."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def materialize_command(first: date, last: date, select: str = "*") -> list[str]:
    """`dagster asset materialize -m pipelines.definitions --select '*' --partition-range
    FIRST...LAST`: every asset has a single-run backfill policy, so this is ONE run."""
    return [
        str(Path(sys.executable).with_name("dagster")),
        "asset",
        "materialize",
        "-m",
        "pipelines.definitions",
        "--select",
        select,
        "--partition-range",
        f"{first.isoformat()}...{last.isoformat()}",
    ]
