"""A token bucket that keeps a process under a per-minute request quota."""

from __future__ import annotations

import threading
import time


class TokenBucket:
    """Allows ``per_minute`` requests in any 60-second window, shared by all threads.

    Nine tenths of the quota refill steadily and one tenth may be spent in a burst, so no
    60-second window ever holds more than ``per_minute`` requests. ``per_minute <= 0`` disables it.
    """

    def __init__(self, per_minute: float, clock=time.monotonic, sleep=time.sleep) -> None:
        self.per_minute = per_minute
        self._rate = 0.9 * per_minute / 60.0
        self._capacity = max(1.0, 0.1 * per_minute)
        self._tokens = self._capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Take one request's token, sleeping first if the quota needs it.

        Each caller reserves its token at once (the balance may go negative) and sleeps
        until the reservation is covered, so waiting threads are served in arrival order.
        """
        if self.per_minute <= 0:
            return
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            self._tokens -= 1.0
            wait = -self._tokens / self._rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
