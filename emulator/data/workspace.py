"""Workspaces to serve: a seeded, realistic one, or one as a connected account shows it today.

The account's data model is :class:`emulator.data.account.Workspace`; :mod:`emulator.data.generator`
builds one from a :class:`~emulator.data.generator.WorkspaceParams`, whose field defaults are the
defaults here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from emulator.data.account import Workspace, meet_code_of
from emulator.data.generator import SCENARIOS, WorkspaceParams, build_workspace

__all__ = [
    "SCENARIOS",
    "Workspace",
    "WorkspaceParams",
    "generate_workspace",
    "meet_code_of",
    "recent_workspace",
]


def generate_workspace(
    seed: int = WorkspaceParams.seed,
    end_date: date | None = None,
    days: int = WorkspaceParams.days,
    meetings_per_day: int = WorkspaceParams.meetings_per_day,
    timezone: str = WorkspaceParams.timezone,
    now: datetime | None = None,
    long_transcript_entries: int = WorkspaceParams.long_transcript_entries,
) -> Workspace:
    """A realistic, deterministic workspace ending on ``end_date`` (default: today)."""
    params = WorkspaceParams(
        seed=seed,
        end_date=end_date or datetime.now(UTC).date(),
        days=days,
        meetings_per_day=meetings_per_day,
        timezone=timezone,
        now=now or datetime.now(UTC),
        long_transcript_entries=long_transcript_entries,
    )
    return build_workspace(params)


def recent_workspace(
    seed: int = WorkspaceParams.seed,
    days: int = WorkspaceParams.days,
    meetings_per_day: int = WorkspaceParams.meetings_per_day,
    timezone: str = WorkspaceParams.timezone,
    **shape: int,
) -> Workspace:
    """A workspace as a connected account shows it today: ``days`` days up to yesterday."""
    now = datetime.now(UTC)
    return generate_workspace(
        seed=seed,
        end_date=(now - timedelta(days=1)).date(),
        days=days,
        meetings_per_day=meetings_per_day,
        timezone=timezone,
        now=now,
        **shape,
    )
