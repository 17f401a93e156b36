"""The one daily partitioning shared by assets, jobs and schedules.

A partition is one calendar day in ``MEETSYNC_TIMEZONE`` (default UTC), starting at
``MEETSYNC_START_DATE`` (both read by ``resources.settings``).
"""

from __future__ import annotations

import dagster as dg

from settings import Settings

_settings = Settings.from_env()
TIMEZONE = _settings.timezone

daily_partitions = dg.DailyPartitionsDefinition(start_date=_settings.start_date, timezone=TIMEZONE)
