"""How far a slice's Meet fetch is, and when to say so: the lines a long run logs.

Pure bookkeeping over a clock: the fetch tells it how many meetings are done, the asset asks
whether a line is due and logs it. Nothing here logs, sleeps or calls Google.
"""

from __future__ import annotations

import time
from collections.abc import Callable

REPORT_EVERY_SECONDS = 10.0


def duration_label(seconds: float) -> str:
    """``42s``, ``3m05s`` or ``1h02m``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class FetchProgress:
    """Meetings done of those asked about for the partitions ``days`` (a label such as
    ``2026-11-01..2026-11-14``), started when it is created.

    ``due()`` is true once every ``every_seconds`` (a line was not logged for that long);
    ``line()`` renders one and restarts that interval. The time left is the average time a
    meeting took so far, times the meetings still to do: unknown until one is done.
    """

    def __init__(
        self,
        days: str,
        *,
        every_seconds: float = REPORT_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = 0
        self.days = days
        self.done = 0
        self.every_seconds = every_seconds
        self._clock = clock
        self._started = clock()
        self._reported = self._started

    def update(self, done: int, total: int) -> None:
        self.total = total
        self.done = min(done, total)

    def elapsed_seconds(self) -> float:
        return self._clock() - self._started

    def remaining_seconds(self) -> float | None:
        """Estimated seconds until every meeting is done; None before the first one is."""
        if self.done == 0:
            return None
        return self.elapsed_seconds() / self.done * (self.total - self.done)

    def due(self) -> bool:
        return self._clock() - self._reported >= self.every_seconds

    def line(self, requests: int, retries: int, rate_limit_waits: int) -> str:
        """One progress line; logging it counts as a report (``due`` restarts)."""
        self._reported = self._clock()
        remaining = self.remaining_seconds()
        left = "unknown" if remaining is None else f"~{duration_label(remaining)}"
        return (
            f"Meet fetch {self.days}: {self.done} of {self.total} meetings done, "
            f"{requests} requests, {retries} retries, {rate_limit_waits} rate-limit waits, "
            f"{duration_label(self.elapsed_seconds())} elapsed, time left {left}"
        )

    def summary(self, requests: int, retries: int, rate_limit_waits: int) -> str:
        """The closing line of the fetch."""
        return (
            f"Meet fetch {self.days} finished: {self.done} of {self.total} meetings, "
            f"{requests} requests, {retries} retries, {rate_limit_waits} rate-limit waits "
            f"in {duration_label(self.elapsed_seconds())}"
        )
