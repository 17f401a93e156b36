"""A limiter that keeps a process under a per-minute request quota, and uses all of it."""

from __future__ import annotations

import math
import threading
import time
from collections import deque

# A request reaches Google a moment after the limiter lets it go, and not every request takes
# the same time to get there. Spacing the (limit+1)-th request this much beyond the window
# keeps Google's own count, taken on arrival, under the quota too.
ARRIVAL_MARGIN_SECONDS = 1.0


class TokenBucket:
    """Lets ``per_minute`` requests through in any rolling 60-second window, never more;
    shared by all threads.

    It remembers when it let each of the last ``per_minute`` requests go. A request goes at
    once while fewer than ``per_minute`` went in the last window (so a run under the quota is
    never slowed); otherwise it waits until the oldest of them leaves the window, plus
    ``margin_seconds``. Callers are served in arrival order. ``per_minute <= 0`` disables it.
    """

    def __init__(
        self,
        per_minute: float,
        clock=time.monotonic,
        sleep=time.sleep,
        *,
        window_seconds: float,
        margin_seconds: float = ARRIVAL_MARGIN_SECONDS,
    ) -> None:
        self.per_minute = per_minute
        self.limit = max(1, math.floor(per_minute)) if per_minute > 0 else 0
        self.window_seconds = window_seconds
        self.margin_seconds = margin_seconds
        self._sent: deque[float] = deque(maxlen=self.limit or 1)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait, if the quota needs it, until this request may go.

        Each caller books its moment at once (after every earlier booking), then sleeps
        until it comes.
        """
        if self.limit == 0:
            return
        with self._lock:
            now = self._clock()
            moment = now
            if len(self._sent) == self.limit:
                moment = max(now, self._sent[0] + self.window_seconds + self.margin_seconds)
            self._sent.append(moment)  # maxlen drops the oldest
        if moment > now:
            self._sleep(moment - now)
