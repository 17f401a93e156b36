"""`meetsync sql`: read-only SQL over the meetsync DuckDB file, printed as a table, CSV or JSON.

The file is opened read-only, once per statement, and closed before the result is printed, so
a session never keeps a pipeline run from writing for longer than one query takes. While a run
holds DuckDB's write lock, opening it is retried for a bounded time.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import math
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import duckdb

FORMATS = ("table", "csv", "json")
DEFAULT_WAIT_SECONDS = 30.0
RETRY_INTERVAL_SECONDS = 0.2
MAX_CELL_WIDTH = 80
PROMPT = "meetsync> "
CONTINUATION_PROMPT = "     ...> "
QUIT_COMMANDS = frozenset({".quit", ".exit"})
LOCK_MESSAGES = ("Could not set lock", "Conflicting lock")
TIMEZONE_VARIABLE = "MEETSYNC_TIMEZONE"

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


@dataclass(frozen=True)
class Result:
    """The rows a statement returned."""

    columns: list[str]
    rows: list[tuple]


# ----- the command ---------------------------------------------------------------------------


def wait_seconds(text: str) -> float:
    """argparse type of ``--wait``: a non-negative number of seconds."""
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"not a number of seconds: {text}")
    return value


def run_sql(
    query: str | None,
    database: Path,
    output_format: str = "table",
    wait: float = DEFAULT_WAIT_SECONDS,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``query`` (or, without one, the statements typed on stdin) read-only against
    ``database``, print the results in ``output_format``, and return the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if not Path(database).is_file():
        print(f"meetsync: {missing_message(database)}", file=stderr)
        return EXIT_NO_DATABASE
    runner = StatementRunner(Path(database), output_format, wait, stdout, stderr)
    if query is not None:
        return runner.run(query)
    return interactive(runner, stdin, stdout)


def missing_message(database: Path) -> str:
    return f"No DuckDB file at {database}: run the pipeline first (make demo)"


@dataclass
class StatementRunner:
    """Runs SQL text against the database and prints each result; errors go to stderr."""

    database: Path
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
            query_database(self.database, sql, self.wait, self.stderr, results)
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


def interactive(runner: StatementRunner, stdin: TextIO, stdout: TextIO) -> int:
    """Read statements from stdin until EOF or ``.quit``; the first failure's exit code."""
    at_terminal = stdin.isatty()
    read = terminal_reader(stdout) if at_terminal else pipe_reader(stdin)
    first_failure = EXIT_OK
    for statement in typed_statements(read, is_complete_line):
        try:
            code = runner.run(statement)
        except KeyboardInterrupt:
            if not at_terminal:
                raise
            print("Interrupted", file=runner.stderr, flush=True)
            code = EXIT_SQL_ERROR
        first_failure = first_failure or code
    return first_failure


# ----- reading statements --------------------------------------------------------------------

LineReader = Callable[[str], str | None]
ABANDONED = "\x03"  # what a terminal reader returns for Ctrl-C: drop the statement typed so far


def pipe_reader(stdin: TextIO) -> LineReader:
    """Lines of a non-interactive stdin, no prompt; None at EOF."""

    def read(prompt: str) -> str | None:
        line = stdin.readline()
        return line.rstrip("\r\n") if line else None

    return read


def terminal_reader(stdout: TextIO) -> LineReader:
    """Lines typed at the terminal after a prompt (with line editing where available);
    None at EOF. Ctrl-C abandons the line and the statement typed so far."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (gives input() line editing and history)

    def read(prompt: str) -> str | None:
        try:
            return input(prompt)
        except EOFError:
            stdout.write("\n")
            return None
        except KeyboardInterrupt:
            stdout.write("\n")
            return ABANDONED

    return read


def typed_statements(read: LineReader, is_complete: Callable[[str], bool]) -> Iterator[str]:
    """Statements typed line by line: a statement ends at a line ending with ``;``, or at the
    end of its first line when that line is a complete statement on its own."""
    lines: list[str] = []
    while True:
        line = read(CONTINUATION_PROMPT if lines else PROMPT)
        if line is None:
            break
        if line == ABANDONED:
            lines = []
            continue
        if not lines and line.strip() in QUIT_COMMANDS:
            return
        if not lines and not line.strip():
            continue
        lines.append(line)
        text = "\n".join(lines)
        if text.rstrip().endswith(";") or (len(lines) == 1 and is_complete(text)):
            yield text
            lines = []
    if "\n".join(lines).strip():
        yield "\n".join(lines)


@functools.cache
def parser() -> duckdb.DuckDBPyConnection:
    """An in-memory connection used only to parse."""
    return duckdb.connect(":memory:")


def is_complete_line(text: str) -> bool:
    """Whether a first line is a statement of its own: it parses (DuckDB's parser, nothing
    executed) and does not end with a comma (which DuckDB's parser would accept)."""
    if text.rstrip().endswith(","):
        return False
    try:
        parser().extract_statements(text)
    except duckdb.Error:
        return False
    return True


# ----- querying ------------------------------------------------------------------------------


def query_database(
    database: Path, sql: str, wait: float, stderr: TextIO, results: list[Result]
) -> None:
    """Run the statements of ``sql`` in order on a read-only connection, closed again before
    returning, appending to ``results`` those that return rows."""
    conn = connect_read_only(database, wait, stderr)
    try:
        set_timezone(conn)
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


def set_timezone(conn: duckdb.DuckDBPyConnection) -> None:
    """Show timestamps in the partitions' time zone (MEETSYNC_TIMEZONE, default UTC)."""
    zone = os.environ.get(TIMEZONE_VARIABLE) or "UTC"
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


# ----- output --------------------------------------------------------------------------------


def render(result: Result, output_format: str) -> str:
    """``result`` as text in one of FORMATS, ending with a newline."""
    if output_format == "csv":
        return as_csv(result)
    if output_format == "json":
        return as_json(result)
    if output_format == "table":
        return as_table(result)
    raise ValueError(f"unknown format {output_format!r}; one of {', '.join(FORMATS)}")


def as_table(result: Result) -> str:
    """An aligned text table: header, separator, rows (numbers right-aligned), row count."""
    cells = [[table_cell(value) for value in row] for row in result.rows]
    widths = [
        max([display_width(name)] + [display_width(row[i]) for row in cells])
        for i, name in enumerate(result.columns)
    ]
    right = [is_numeric_column(result.rows, i) for i in range(len(result.columns))]
    lines = [
        aligned_line(result.columns, widths, right),
        "-+-".join("-" * width for width in widths),
        *(aligned_line(row, widths, right) for row in cells),
        f"({len(cells)} row{'' if len(cells) == 1 else 's'})",
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def aligned_line(cells: Sequence[str], widths: list[int], right: list[bool]) -> str:
    padded = []
    for cell, width, to_right in zip(cells, widths, right, strict=True):
        padding = " " * (width - display_width(cell))
        padded.append(padding + cell if to_right else cell + padding)
    return " | ".join(padded)


def is_numeric_column(rows: list[tuple], index: int) -> bool:
    values = [row[index] for row in rows if row[index] is not None]
    return bool(values) and all(is_number(value) for value in values)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def table_cell(value: Any) -> str:
    """A value as one line of at most MAX_CELL_WIDTH columns; NULL as ``NULL``."""
    if value is None:
        return "NULL"
    text = value_text(value).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return truncate(text, MAX_CELL_WIDTH)


def truncate(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def display_width(text: str) -> int:
    """Terminal columns of ``text``: wide East Asian characters take two, combining none."""
    return sum(char_width(char) for char in text)


def char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def value_text(value: Any) -> str:
    """The full text of a non-NULL value, nested values written as DuckDB writes them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | clock_time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(nested_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"'{k}': {nested_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bytes | bytearray):
        return "".join(chr(b) if 32 <= b < 127 and b != 92 else f"\\x{b:02X}" for b in value)
    return str(value)


NEEDS_QUOTES = re.compile(r"""[,'"\[\]{}():=\\]|^\s|\s$|^$|^NULL$""", re.IGNORECASE)


def nested_text(value: Any) -> str:
    """A value inside a list or struct: strings quoted when DuckDB would quote them."""
    if value is None:
        return "NULL"
    if isinstance(value, str) and NEEDS_QUOTES.search(value):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return value_text(value)


def as_csv(result: Result) -> str:
    """CSV with a header row; NULL as an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(["" if v is None else value_text(v) for v in row] for row in result.rows)
    return out.getvalue()


def as_json(result: Result) -> str:
    """A JSON list of objects, one per row; timestamps ISO-8601, NULL as null."""
    objects = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    return json.dumps(jsonable(objects), ensure_ascii=False, indent=2, default=str) + "\n"


def jsonable(value: Any) -> Any:
    """``value`` with everything json cannot write natively made plain (keys as strings,
    times as ISO-8601, decimals as floats, NaN/infinity as null)."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date | clock_time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes | bytearray):
        return value_text(value)
    return value
