"""`meetsync sql [QUERY]`: one query from the command line, or a prompt without one."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TextIO

from cli.demo_paths import DEMO_DUCKDB_PATH
from cli.sql.pager import Pager, pager_command, plain_output
from cli.sql.prompt import interactive
from cli.sql.runner import (
    DEFAULT_WAIT_SECONDS,
    EXIT_NO_DATABASE,
    StatementRunner,
    missing_message,
)


def wait_seconds(text: str) -> float:
    """argparse type of ``--wait``: a non-negative number of seconds."""
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"not a number of seconds: {text}")
    return value


def run_sql(
    query: str | None,
    database: Path,
    timezone: str,
    output_format: str = "table",
    wait: float = DEFAULT_WAIT_SECONDS,
    history: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``query`` (or, without one, the statements typed on stdin, the lines typed at a
    terminal kept in ``history``) read-only against ``database``, timestamps shown in
    ``timezone``; print the results in ``output_format`` (through a pager at a terminal), and
    return the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    database = Path(database)
    if not database.is_file():
        print(f"meetsync: {missing_message(database, Path(DEMO_DUCKDB_PATH))}", file=stderr)
        return EXIT_NO_DATABASE
    output = Pager(stdout, pager_command()) if stdout.isatty() else plain_output(stdout)
    runner = StatementRunner(database, timezone, output_format, wait, output.show, stderr)
    if query is not None:
        return runner.run(query)
    return interactive(runner, stdin, stdout, history)
