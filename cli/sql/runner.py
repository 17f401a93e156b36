"""Running SQL read-only against the meetsync DuckDB file.

The file is opened read-only, once per statement, and closed before the result is printed, so
a session never keeps a pipeline run from writing for longer than one query takes. While a run
holds DuckDB's write lock, opening it is retried for a bounded time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import duckdb

from cli.sql.rendering import Result, render

DEFAULT_WAIT_SECONDS = 30.0
RETRY_INTERVAL_SECONDS = 0.2
LOCK_MESSAGES = ("Could not set lock", "Conflicting lock")

EXIT_OK = 0
EXIT_SQL_ERROR = 1
EXIT_NO_DATABASE = 2
EXIT_BUSY = 3


class SqlCommandError(Exception):
    """A failure reported as one line on stderr, with its exit code."""

    exit_code = EXIT_SQL_ERROR


class NoDatabaseError(SqlCommandError):
    """The DuckDB file does not exist (yet)."""

    exit_code = EXIT_NO_DATABASE


class BusyError(SqlCommandError):
    """A writer kept the DuckDB file locked for longer than we were willing to wait."""

    exit_code = EXIT_BUSY


def missing_message(database: Path) -> str:
    return f"No DuckDB file at {database}: run the pipeline first (make demo)"


@dataclass
class StatementRunner:
    """Runs SQL text against the database and prints each result; errors go to stderr."""

    database: Path
    timezone: str
    output_format: str
    wait: float
    stdout: TextIO
    stderr: TextIO

    def run(self, sql: str) -> int:
        """Run every statement of ``sql``; print the results of those that ran, then the
        error that stopped the rest, if any. The exit code."""
        results: list[Result] = []
        code, failure = EXIT_OK, None
        try:
            query_database(self.database, sql, self.timezone, self.wait, self.stderr, results)
        except SqlCommandError as error:
            code, failure = error.exit_code, error
        except duckdb.Error as error:
            code, failure = EXIT_SQL_ERROR, error
        self.print_results(results)
        if failure is not None:
            print(f"meetsync: {failure}", file=self.stderr, flush=True)
        return code

    def print_results(self, results: list[Result]) -> None:
        for index, result in enumerate(results):
            if index:
                self.stdout.write("\n")
            self.stdout.write(render(result, self.output_format))
        self.stdout.flush()


def query_database(
    database: Path, sql: str, timezone: str, wait: float, stderr: TextIO, results: list[Result]
) -> None:
    """Run the statements of ``sql`` in order on a read-only connection (timestamps shown in
    ``timezone``), closed again before returning, appending to ``results`` those that return
    rows."""
    conn = connect_read_only(database, wait, stderr)
    try:
        set_timezone(conn, timezone)
        for statement in conn.extract_statements(sql):
            result = fetch_result(conn, statement)
            if result is not None:
                results.append(result)
    finally:
        conn.close()


def fetch_result(conn: duckdb.DuckDBPyConnection, statement: Any) -> Result | None:
    """Execute one parsed statement; its rows, or None for statements that return none."""
    conn.execute(statement)
    if duckdb.ExpectedResultType.QUERY_RESULT not in statement.expected_result_type:
        return None
    if conn.description is None:
        return None
    return Result([column[0] for column in conn.description], conn.fetchall())


def set_timezone(conn: duckdb.DuckDBPyConnection, zone: str) -> None:
    """Show timestamps in ``zone`` (the partitions' time zone, ``Settings.timezone``)."""
    conn.execute("SET TimeZone = " + "'" + zone.replace("'", "''") + "'")


def connect_read_only(
    database: Path,
    wait: float,
    stderr: TextIO,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> duckdb.DuckDBPyConnection:
    """A read-only connection; while a writer holds the lock, retried for ``wait`` seconds."""
    if not database.is_file():  # read_only=True never creates it, but fails less clearly
        raise NoDatabaseError(missing_message(database))
    deadline = clock() + wait
    announced = False
    while True:
        try:
            return duckdb.connect(str(database), read_only=True)
        except duckdb.IOException as error:
            if not is_lock_conflict(error):
                raise
            if clock() >= deadline:
                raise BusyError(busy_message(database, wait, error)) from None
            if not announced:
                print(waiting_message(wait), file=stderr, flush=True)
                announced = True
            sleep(max(min(RETRY_INTERVAL_SECONDS, deadline - clock()), 0.0))


def is_lock_conflict(error: duckdb.Error) -> bool:
    return any(message in str(error) for message in LOCK_MESSAGES)


def waiting_message(wait: float) -> str:
    return f"DuckDB is busy (a pipeline run is writing); waiting up to {wait:g}s..."


def busy_message(database: Path, wait: float, error: duckdb.Error) -> str:
    holder = re.search(r"\(PID (\d+)\)", str(error))
    by = f" (process {holder.group(1)})" if holder else ""
    return (
        f"DuckDB is still busy after {wait:g}s: a pipeline run{by} is writing {database}. "
        "Try again when it has finished, or wait longer with --wait SECONDS."
    )
