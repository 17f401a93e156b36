"""Waiting for a DuckDB file another (real) process holds: logged, sleeping, bounded, and over
the moment that process dies, however it dies."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.resources import build_resources
from resources.duckdb_warehouse import (
    FIRST_RETRY_SECONDS,
    MAX_RETRY_SECONDS,
    DuckDBBusyError,
    connect_waiting,
    lock_holder,
    retry_delay,
)
from settings import Settings

HOLD_SCRIPT = (
    "import duckdb, sys, time\n"
    "conn = duckdb.connect(sys.argv[1])\n"
    "conn.execute('CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS x')\n"
    "print('holding', flush=True)\n"
    "time.sleep(600)\n"
)


@pytest.fixture
def database(tmp_path) -> Path:
    return tmp_path / "meetsync.duckdb"


@pytest.fixture
def holder(database) -> Iterator[subprocess.Popen]:
    """Another process with the DuckDB file open read-write (as a run's step has it)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(database)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "holding"
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


class Recorded(logging.Handler):
    """The log lines and the sleeps of one wait."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.sleeps: list[float] = []
        self.messages: list[str] = []
        self.log = logging.getLogger(f"test_duckdb_lock.{id(self)}")
        self.log.setLevel(logging.INFO)
        self.log.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        time.sleep(seconds)


def test_lock_holder_names_the_process_holding_the_file(database, holder):
    with pytest.raises(duckdb.IOException) as refused:
        duckdb.connect(str(database))
    found = lock_holder(refused.value)
    assert found is not None and found.pid == holder.pid
    assert f"process {holder.pid} (" in found.describe()


def test_other_errors_are_not_lock_conflicts(tmp_path):
    missing = tmp_path / "missing.duckdb"
    with pytest.raises(duckdb.IOException) as refused:
        duckdb.connect(str(missing), read_only=True)
    assert lock_holder(refused.value) is None
    assert lock_holder(RuntimeError("Could not set lock on file")) is None


def test_retry_delay_starts_short_and_is_capped():
    delays = [retry_delay(attempt) for attempt in range(30)]
    assert delays[0] == FIRST_RETRY_SECONDS
    assert delays == sorted(delays)
    assert max(delays) == MAX_RETRY_SECONDS


def test_a_waiting_connection_gets_the_file_once_its_holder_is_killed(database, holder):
    recorded = Recorded()
    got: list[duckdb.DuckDBPyConnection] = []
    waiter = threading.Thread(
        target=lambda: got.append(
            connect_waiting(
                str(database), max_wait_seconds=120, log=recorded.log, sleep=recorded.sleep
            )
        )
    )
    waiter.start()
    while len(recorded.sleeps) < 5:  # it is waiting
        time.sleep(0.05)
    os.kill(holder.pid, signal.SIGKILL)  # as the OOM killer does: no cleanup at all
    waiter.join(timeout=30)
    assert got, "still waiting after its holder died"
    assert got[0].execute("SELECT x FROM t").fetchall() == [(1,)]
    got[0].close()

    assert f"process {holder.pid}" in recorded.messages[0]
    assert recorded.messages[0].startswith(f"Waiting for the DuckDB file {database}")
    assert recorded.messages[-1].startswith(f"Got the DuckDB file {database} after waiting")
    assert len(recorded.messages) == 2  # one line when the wait starts, one when it ends
    assert all(FIRST_RETRY_SECONDS <= s <= MAX_RETRY_SECONDS for s in recorded.sleeps)


def test_the_wait_is_bounded_and_says_who_holds_the_file(database, holder):
    recorded = Recorded()
    with pytest.raises(DuckDBBusyError) as busy:
        connect_waiting(str(database), max_wait_seconds=0.5, log=recorded.log)
    message = str(busy.value)
    assert f"still held by process {holder.pid}" in message
    assert "MEETSYNC_DUCKDB_LOCK_WAIT_SECONDS" in message
    assert holder.poll() is None  # the holder is left alone


def test_other_io_errors_are_raised_at_once(tmp_path):
    directory = tmp_path / "a_directory.duckdb"
    directory.mkdir()
    recorded = Recorded()
    with pytest.raises(duckdb.IOException, match="directory"):
        connect_waiting(str(directory), max_wait_seconds=60, log=recorded.log, sleep=recorded.sleep)
    assert recorded.sleeps == [] and recorded.messages == []


def test_the_warehouse_resource_waits_no_longer_than_configured(database, holder):
    settings = Settings(duckdb_path=database, duckdb_lock_wait_seconds=0.3)
    warehouse = build_resources(settings)["duckdb"]
    with pytest.raises(DuckDBBusyError, match=f"process {holder.pid}"), warehouse.get_connection():
        pass
    holder.kill()
    holder.wait()
    with warehouse.get_connection() as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]
