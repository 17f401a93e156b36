"""The console logger of meetsync's runs: Dagster's colored console logger, except that a
setup error (no OAuth client, no connection, an API not enabled) prints as meetsync's one
line, once, instead of a stack trace per event that carries it."""

from __future__ import annotations

import logging
import threading
from typing import ClassVar

from google_client import setup_error_names

DAGSTER_CONSOLE_LOGGER = "dagster"  # the name Dagster gives its default console logger


def setup_error_line(record: logging.LogRecord) -> str | None:
    """The message of the setup error a Dagster event record carries, or None."""
    meta = getattr(record, "dagster_meta", None)
    event = meta.get("dagster_event") if isinstance(meta, dict) else None
    return setup_error_message(getattr(getattr(event, "event_specific_data", None), "error", None))


def setup_error_message(error: object) -> str | None:
    """The one-line message of the setup error in a Dagster error record (a
    SerializableErrorInfo) or in what caused it, or None."""
    names = setup_error_names()
    while error is not None:
        name, _, message = str(getattr(error, "message", "")).partition(": ")
        if name in names:
            return " ".join(message.split())
        error = getattr(error, "cause", None) or getattr(error, "context", None)
    return None


class SetupErrorLine(logging.Filter):
    """Rewrites a run's first record of a setup error to its one line; drops the repeats
    (the failed step, then the failed run, carry the same error)."""

    _shown: ClassVar[set[tuple[str | None, str]]] = set()
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        line = setup_error_line(record)
        if line is None:
            return True
        meta = getattr(record, "dagster_meta", None) or {}
        key = (meta.get("run_id"), line)
        with self._lock:
            if key in self._shown:
                return False
            self._shown.add(key)
        record.msg, record.args = f"meetsync: {line}", ()
        return True


class _ConsoleLogger(logging.Logger):
    """The class of Dagster's console logger ("dagster"), with :class:`SetupErrorLine`."""

    def __init__(self, name: str, level: int | str = logging.NOTSET) -> None:
        super().__init__(name, level)
        if name == DAGSTER_CONSOLE_LOGGER:
            self.addFilter(SetupErrorLine())


def print_setup_errors_as_one_line() -> None:
    """Make the console logger of every run in this process print a setup error as one line.

    Dagster builds its default console logger (the one `dagster asset materialize` and run
    workers print with) from ``logging.getLoggerClass()`` for each run; a job's own loggers
    apply only when the run config names them, which the CLI's runs do not.
    """
    if logging.getLoggerClass() is logging.Logger:
        logging.setLoggerClass(_ConsoleLogger)
