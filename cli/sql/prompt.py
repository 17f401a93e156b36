"""The statements typed at ``meetsync>``: read line by line until a statement is complete."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import TextIO

import duckdb

from cli.sql.runner import EXIT_OK, EXIT_SQL_ERROR, StatementRunner

PROMPT = "meetsync> "
CONTINUATION_PROMPT = "     ...> "
QUIT_COMMANDS = frozenset({".quit", ".exit"})


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
