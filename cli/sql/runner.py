"""Running SQL read-only against the meetsync DuckDB file, and nothing else.

The file is opened read-only, once per statement, and closed before the result is printed, so
a session never keeps a pipeline run from writing for longer than one query takes. While a run
holds DuckDB's write lock, opening it is retried for a bounded time.

A session sees the warehouse and nothing else: no other file is read or written (COPY, read_csv,
ATTACH, EXPORT), no extension is installed or loaded, and the configuration is locked once the
time zone is set, so no statement can switch any of that back on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import duckdb

from cli.sql.rendering import Result, render
from resources.duckdb_warehouse import LockHolder, LockWaitTimeout, open_when_free

DEFAULT_WAIT_SECONDS = 30.0
# DuckDB settings of every session (duckdb_settings() describes each).
SESSION_CONFIG: dict[str, str | bool] = {
    "enable_external_access": False,  # no file but the database, no replacement scans
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "allow_persistent_secrets": False,
    "allow_extension_repositories": "forbidden",
}

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


def missing_message(database: Path, demo_database: Path | None = None) -> str:
    """What to do when there is no DuckDB file at ``database``; names the demo's file when
    ``demo_database`` (the file ``make demo`` wrote) exists."""
    if demo_database is not None and demo_database.is_file():
        return (
            f"No DuckDB file at {database}. The demo's is {demo_database}: "
            f"export MEETSYNC_DUCKDB_PATH={demo_database}"
        )
    return (
        f"No DuckDB file at {database}: import meetings first (README: backfills), "
        "or point MEETSYNC_DUCKDB_PATH at an existing file"
    )


Output = Callable[[str], None]


@dataclass
class StatementRunner:
    """Runs SQL text against the database and shows each result through ``output`` (the
    terminal's pager, or plain stdout); errors go to stderr."""

    database: Path
    timezone: str
    output_format: str
    wait: float
    output: Output
    stderr: TextIO

    def run(
        self,
        sql: str,
        parameters: Mapping[str, Any] | None = None,
        as_text: bool = False,
        none_found: str | None = None,
    ) -> int:
        """Run every statement of ``sql`` (or ``sql`` as one statement with bound
        ``parameters``); show the results of those that ran, then the error that stopped the
        rest, if any. ``as_text``: show the first column's values as plain lines, not in the
        output format. ``none_found``: the error when no row came back. The exit code."""
        results: list[Result] = []
        code, failure = EXIT_OK, None
        try:
            query_database(self.database, sql, parameters, self.session, results)
        except SqlCommandError as error:
            code, failure = error.exit_code, error
        except duckdb.Error as error:
            code, failure = EXIT_SQL_ERROR, error
        if failure is None and none_found and not any(result.rows for result in results):
            code, failure = EXIT_SQL_ERROR, none_found
        self.show_results(results, as_text)
        if failure is not None:
            self.error(str(failure))
        return code

    @property
    def session(self) -> SessionOptions:
        return SessionOptions(self.timezone, self.wait, self.stderr)

    def show_results(self, results: list[Result], as_text: bool = False) -> None:
        if as_text:
            text = "".join(f"{row[0]}\n" for result in results for row in result.rows)
        else:
            text = "\n".join(render(result, self.output_format) for result in results)
        if text:
            self.output(text)

    def error(self, message: str) -> None:
        print(f"meetsync: {message}", file=self.stderr, flush=True)


@dataclass(frozen=True)
class SessionOptions:
    """How a read-only session is opened: timestamps in ``timezone``; while a pipeline run
    writes, wait up to ``wait`` seconds (saying so on ``stderr``)."""

    timezone: str
    wait: float
    stderr: TextIO


def query_database(
    database: Path,
    sql: str,
    parameters: Mapping[str, Any] | None,
    session: SessionOptions,
    results: list[Result],
) -> None:
    """Run the statements of ``sql`` in order (or ``sql`` with bound ``parameters``) on a
    read-only, locked-down connection, closed again before returning, appending to
    ``results`` those that return rows."""
    conn = connect_read_only(database, session.wait, session.stderr)
    try:
        set_timezone(conn, session.timezone)
        lock_configuration(conn)
        if parameters is not None:
            conn.execute(sql, dict(parameters))
            results.append(Result([column[0] for column in conn.description], conn.fetchall()))
            return
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


def lock_configuration(conn: duckdb.DuckDBPyConnection) -> None:
    """No progress bar in the output; then no further SET or RESET: the session's settings
    stay as they are."""
    conn.execute("SET enable_progress_bar = false")
    conn.execute("SET lock_configuration = true")


def connect_read_only(
    database: Path,
    wait: float,
    stderr: TextIO,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> duckdb.DuckDBPyConnection:
    """A read-only connection with SESSION_CONFIG; while a writer holds the lock, retried for
    ``wait`` seconds."""
    if not database.is_file():  # read_only=True never creates it, but fails less clearly
        raise NoDatabaseError(missing_message(database))
    announced: list[LockHolder] = []

    def announce(holder: LockHolder, waited: float) -> None:
        if not announced:
            print(waiting_message(wait), file=stderr, flush=True)
            announced.append(holder)

    try:
        conn, _ = open_when_free(
            lambda: duckdb.connect(str(database), read_only=True, config=dict(SESSION_CONFIG)),
            max_wait_seconds=wait,
            on_wait=announce,
            clock=clock,
            sleep=sleep,
        )
    except LockWaitTimeout as timeout:
        raise BusyError(busy_message(database, wait, timeout.holder)) from None
    return conn


def waiting_message(wait: float) -> str:
    return f"DuckDB is busy (a pipeline run is writing); waiting up to {wait:g}s..."


def busy_message(database: Path, wait: float, holder: LockHolder) -> str:
    by = f" (process {holder.pid})" if holder.pid is not None else ""
    return (
        f"DuckDB is still busy after {wait:g}s: a pipeline run{by} is writing {database}. "
        "Try again when it has finished, or wait longer with --wait SECONDS."
    )
