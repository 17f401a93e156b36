"""Fault injection: latency and transient errors, deterministic for a seed."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FaultConfig:
    """What the emulator does to requests; mutable while the server runs.

    ``fail_paths`` limits errors to request paths starting with one of the prefixes (None means
    every API path). OAuth endpoints are faulted only when ``include_oauth`` is set; latency
    applies to every request.
    """

    latency_seconds: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (429, 503)
    seed: int = 0
    fail_paths: tuple[str, ...] | None = None
    include_oauth: bool = False
    _rng: random.Random = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_lock", threading.Lock())
        object.__setattr__(self, "_rng", random.Random(self.seed))

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "seed" and hasattr(self, "_lock"):
            with self._lock:
                self._rng.seed(value)

    def applies_to(self, path: str, is_oauth: bool) -> bool:
        """Whether errors may be injected into a request for ``path``."""
        if is_oauth and not self.include_oauth:
            return False
        if self.fail_paths is None:
            return True
        return any(path.startswith(prefix) for prefix in self.fail_paths)

    def roll(self) -> int | None:
        """The status to fail this request with, or None to let it through."""
        if self.error_rate <= 0 or not self.error_statuses:
            return None
        with self._lock:
            if self._rng.random() >= self.error_rate:
                return None
            return self._rng.choice(self.error_statuses)
