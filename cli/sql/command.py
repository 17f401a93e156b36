"""`meetsync sql [QUERY]`: one query from the command line, or a prompt without one."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TextIO

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
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``query`` (or, without one, the statements typed on stdin) read-only against
    ``database``, timestamps shown in ``timezone``; print the results in ``output_format``,
    and return the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if not Path(database).is_file():
        print(f"meetsync: {missing_message(database)}", file=stderr)
        return EXIT_NO_DATABASE
    runner = StatementRunner(Path(database), timezone, output_format, wait, stdout, stderr)
    if query is not None:
        return runner.run(query)
    return interactive(runner, stdin, stdout)
