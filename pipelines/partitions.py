"""The one daily partitioning shared by assets, jobs and schedules.

A partition is one calendar day in ``MEETSYNC_TIMEZONE`` (default UTC), starting at
``MEETSYNC_START_DATE``.
"""

from __future__ import annotations

import os

import dagster as dg

TIMEZONE = os.environ.get("MEETSYNC_TIMEZONE") or "UTC"
START_DATE = os.environ.get("MEETSYNC_START_DATE") or "2025-01-01"

daily_partitions = dg.DailyPartitionsDefinition(start_date=START_DATE, timezone=TIMEZONE)
