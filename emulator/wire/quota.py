"""Per-user request quotas, enforced the way Google counts them.

Google allows each user of a Cloud project a number of requests per minute to each API
(Calendar: 600; Meet: 600 reads) and calculates them "per minute using a sliding window"
(Calendar's usage limits guide). A request over the quota gets 429 and does not count.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class QuotaConfig:
    """The per-user quota of each API; mutable while the server runs.

    At most ``requests_per_minute`` requests of one user to one API (or the API's own figure in
    ``per_api``, e.g. ``{"drive": 12000}``) are admitted in any sliding ``window_seconds``
    window (60: Google's minute; tests may shorten it). A limit ``<= 0`` enforces nothing.
    ``rejected`` counts the 429s per method.
    """

    requests_per_minute: int = 0
    window_seconds: float = 60.0
    per_api: dict[str, int] = field(default_factory=dict)
    rejected: Counter[str] = field(default_factory=Counter)
    _admitted: dict[tuple[str, ...], deque[float]] = field(
        init=False, default_factory=dict, repr=False, compare=False
    )
    _lock: Any = field(init=False, default_factory=threading.Lock, repr=False, compare=False)

    def limit_of(self, api: str) -> int:
        """The requests per window one user may make to ``api``."""
        return self.per_api.get(api, self.requests_per_minute)

    def admit(self, key: tuple[str, ...], method_id: str) -> bool:
        """Whether one more request under ``key`` (api, project, user) fits the quota now;
        counts it if so, and counts the rejection otherwise."""
        limit = self.limit_of(key[0])
        if limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            admitted = self._admitted.setdefault(key, deque())
            while admitted and admitted[0] <= now - self.window_seconds:
                admitted.popleft()
            if len(admitted) < limit:
                admitted.append(now)
                return True
            self.rejected[method_id] += 1
            return False

    def total_rejected(self) -> int:
        """Requests refused for quota so far."""
        with self._lock:
            return sum(self.rejected.values())
