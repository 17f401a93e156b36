"""`make bench`, history: importing days Meet no longer keeps, whose transcripts come from the
Google Docs Meet wrote (Drive ``files.export``), and the requests each such meeting costs.

The emulator holds 61 days; the pipeline imports the 30 days that ended 31 days ago, so every
meeting is past Meet's retention. Same seed, meetings per day and latency as the main bench,
limiters off.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from bench.pipeline_run import materialize

HISTORY_DAYS = 30
NO_LIMITS = {"MEETSYNC_CALENDAR_QPM": "0", "MEETSYNC_MEET_QPM": "0", "MEETSYNC_DRIVE_QPM": "0"}


@dataclass
class History:
    """One import of historical days: what it asked Google and what it found."""

    first: object
    last: object
    wall_seconds: float
    counts: dict[str, int]  # emulator request counts by method, OAuth excluded
    outcomes: list[tuple[str, str | None, int]]  # (status, source, meetings)

    @property
    def meetings(self) -> int:
        return sum(n for _, _, n in self.outcomes)

    def per_meeting(self, prefix: str = "") -> float:
        asked = sum(n for k, n in self.counts.items() if k.startswith(prefix))
        return asked / self.meetings if self.meetings else float("nan")

    def from_docs(self) -> int:
        return sum(n for status, source, n in self.outcomes if source == "drive_doc")


def measure_history(workdir: Path, meetings_per_day: int, seed: int, latency: float) -> History:
    """Import the 30 days before Meet's window as one run and count the requests."""
    from cli.local_stack import start_local_stack

    with contextlib.redirect_stdout(io.StringIO()):  # the consent URL the flow prints
        stack = start_local_stack(
            workdir,
            days=2 * HISTORY_DAYS + 1,
            meetings_per_day=meetings_per_day,
            seed=seed,
            latency_seconds=latency,
        )
    try:
        last = datetime.now(UTC).date() - timedelta(days=HISTORY_DAYS + 2)
        first = last - timedelta(days=HISTORY_DAYS - 1)
        stack.emulator.reset_counts()
        run = materialize(first, last, {**stack.env, **NO_LIMITS}, workdir / "history.log")
        if run.returncode != 0:
            tail = run.log_path.read_text(errors="replace")[-4000:]
            raise SystemExit(f"history import: dagster exited {run.returncode}\n{tail}")
        counts = {
            k: n for k, n in stack.emulator.request_counts.items() if not k.startswith("oauth.")
        }
        with duckdb.connect(str(stack.settings.duckdb_path), read_only=True) as conn:
            outcomes = conn.execute(
                "SELECT transcript_status, transcript_source, count(*) FROM transcripts "
                "WHERE partition_date BETWEEN ? AND ? GROUP BY ALL ORDER BY 3 DESC",
                [first, last],
            ).fetchall()
    finally:
        stack.stop()
    return History(first, last, run.wall_seconds, counts, outcomes)


def history_rows(history: History) -> list[tuple[str, str]]:
    """Rows of the results table."""
    methods = ", ".join(f"{k} {n}" for k, n in sorted(history.counts.items()))
    outcomes = ", ".join(f"{s}/{src or '-'} {n}" for s, src, n in history.outcomes)
    exports = history.counts.get("drive.files.export", 0)
    return [
        (
            f"History: {history.first}...{history.last} (past Meet's 30 days), one run",
            f"{history.wall_seconds:.1f}s, {history.meetings} meetings: {outcomes}",
        ),
        ("  requests by method", methods),
        (
            "**Requests per historical meeting**",
            f"**{history.per_meeting():.2f}** (Calendar {history.per_meeting('calendar.'):.2f}, "
            f"Meet {history.per_meeting('meet.'):.2f}, Drive {history.per_meeting('drive.'):.2f});"
            f" {exports} exports for {history.from_docs()} transcripts from Docs",
        ),
    ]
