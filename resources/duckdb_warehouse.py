"""The DuckDB file as a Dagster resource: dagster-duckdb's resource, creating the database's
folder on first use and waiting, with a log line, while another process holds the file.

DuckDB lets one process open a file read-write (or any number of processes read-only) and holds
an operating-system file lock while it is open. The kernel drops that lock when the process
ends, however it ends (exit, crash, ``kill -9``, the OOM killer, a reboot), so a writer waiting
here never waits for a dead process: the next attempt after the holder died succeeds.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import Field

# DuckDB 1.x/2.x: 'IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held
# in /usr/bin/python3.11 (PID 4645). See also https://duckdb.org/docs/...'
_CONFLICT = re.compile(r"Could not set lock on file")
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")

T = TypeVar("T")

FIRST_RETRY_SECONDS = 0.1
MAX_RETRY_SECONDS = 1.0
REPORT_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class LockHolder:
    """The process DuckDB names as holding the file's lock (either may be unknown)."""

    pid: int | None
    program: str | None

    def describe(self) -> str:
        if self.pid is None:
            return "another process"
        return f"process {self.pid}" + (f" ({self.program})" if self.program else "")


def lock_holder(error: BaseException) -> LockHolder | None:
    """Who holds the file, when ``error`` is DuckDB refusing it because another process has
    it open; None for every other error."""
    text = str(error)
    if not isinstance(error, duckdb.IOException) or not _CONFLICT.search(text):
        return None
    found = _HOLDER.search(text)
    if not found:
        return LockHolder(None, None)
    return LockHolder(int(found.group("pid")), found.group("program"))


def retry_delay(attempt: int) -> float:
    """Seconds to sleep before attempt ``attempt + 1``: quick at first (a writer's
    transaction is often short), then once a second."""
    return min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 1.5**attempt)


class DuckDBBusyError(RuntimeError):
    """Another process kept the DuckDB file for longer than we were willing to wait."""


def waiting_message(database: str, holder: LockHolder, waited: float, limit: float) -> str:
    return (
        f"Waiting for the DuckDB file {database}: {holder.describe()} has it open "
        f"({waited:.0f}s waited, giving up after {limit:g}s; a process that dies releases "
        "it at once)."
    )


def busy_message(database: str, holder: LockHolder, limit: float) -> str:
    return (
        f"The DuckDB file {database} is still held by {holder.describe()} after {limit:g}s. "
        "Let that process finish (or stop it), then run again; "
        "MEETSYNC_DUCKDB_LOCK_WAIT_SECONDS sets how long runs wait."
    )


class LockWaitTimeout(Exception):
    """``open_when_free`` waited its limit; ``holder`` still has the file."""

    def __init__(self, holder: LockHolder) -> None:
        super().__init__(holder.describe())
        self.holder = holder


def open_when_free(
    open_file: Callable[[], T],
    *,
    max_wait_seconds: float,
    on_wait: Callable[[LockHolder, float], None],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[T, float]:
    """``open_file()``'s result and the seconds waited for it: while another process holds the
    file, ``on_wait(holder, seconds waited)`` is told and the call retried, sleeping (never
    spinning), until ``max_wait_seconds`` have passed (then ``LockWaitTimeout``). Any other
    error is raised at once."""
    started = clock()
    attempt = 0
    while True:
        try:
            return open_file(), clock() - started
        except duckdb.IOException as error:
            holder = lock_holder(error)
            if holder is None:
                raise
            waited = clock() - started
            if waited >= max_wait_seconds:
                raise LockWaitTimeout(holder) from None
            on_wait(holder, waited)
            sleep(min(retry_delay(attempt), max_wait_seconds - waited))
            attempt += 1


def connect_waiting(
    database: str,
    *,
    max_wait_seconds: float,
    log: logging.Logger,
    read_only: bool = False,
    config: Mapping[str, Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> duckdb.DuckDBPyConnection:
    """A connection to ``database``; while another process holds it, retried for up to
    ``max_wait_seconds``, saying in ``log`` what it waits for: when the wait starts, every
    minute while it lasts, and when it ends."""
    reported_at: list[float] = []

    def report(holder: LockHolder, waited: float) -> None:
        if not reported_at or waited - reported_at[-1] >= REPORT_EVERY_SECONDS:
            log.info(waiting_message(database, holder, waited, max_wait_seconds))
            reported_at.append(waited)

    try:
        conn, waited = open_when_free(
            lambda: duckdb.connect(database, read_only=read_only, config=dict(config or {})),
            max_wait_seconds=max_wait_seconds,
            on_wait=report,
            clock=clock,
            sleep=sleep,
        )
    except LockWaitTimeout as timeout:
        raise DuckDBBusyError(busy_message(database, timeout.holder, max_wait_seconds)) from None
    if reported_at:
        log.info(f"Got the DuckDB file {database} after waiting {waited:.1f}s")
    return conn


class WarehouseResource(DuckDBResource):
    """The DuckDB file that holds every meetsync table (``MEETSYNC_DUCKDB_PATH``)."""

    lock_wait_seconds: float = Field(
        description="How long a step waits for another process to release the DuckDB file "
        "before it fails (MEETSYNC_DUCKDB_LOCK_WAIT_SECONDS).",
    )
    meetings_per_write: int = Field(
        description="A long backfill writes the days Meet no longer keeps in windows of about "
        "this many meetings, each one transaction (MEETSYNC_MEETINGS_PER_WRITE).",
    )

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.database != ":memory:":
            Path(self.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        conn = connect_waiting(
            self.database,
            max_wait_seconds=self.lock_wait_seconds,
            log=dg.get_dagster_logger(),
            config={"custom_user_agent": "dagster", **self.connection_config},
        )
        try:
            yield conn
        finally:
            conn.close()
