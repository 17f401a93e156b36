"""The statements typed at ``meetsync>``. As in DuckDB's own shell, a statement ends at a ``;``
outside quotes and comments, however many lines it takes; a line starting with ``.`` where a
statement would start is a dot command (``.help`` lists them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import duckdb

from cli.sql.dot_commands import is_dot_command, run_dot_command
from cli.sql.history import History
from cli.sql.runner import EXIT_OK, EXIT_SQL_ERROR, StatementRunner

PROMPT = "meetsync> "
CONTINUATION_PROMPT = "     ...> "


def interactive(
    runner: StatementRunner, stdin: TextIO, stdout: TextIO, history: Path | None = None
) -> int:
    """Read statements and dot commands from stdin until EOF or ``.quit``; the first failure's
    exit code. At a terminal: prompts, line editing, and the lines typed kept in ``history``."""
    if not stdin.isatty():
        return run_typed(runner, pipe_reader(stdin), at_terminal=False)
    with History(history, runner.error):
        return run_typed(runner, terminal_reader(stdout), at_terminal=True)


def run_typed(runner: StatementRunner, read: LineReader, at_terminal: bool) -> int:
    first_failure = EXIT_OK
    for text in typed_statements(read):
        try:
            if is_dot_command(text):
                code = run_dot_command(text, runner)
                if code is None:  # .quit
                    break
            else:
                code = runner.run(text)
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
    """Lines typed at the terminal after a prompt (with readline's line editing and history
    when History has loaded it); None at EOF. Ctrl-C abandons the line and the statement typed
    so far."""

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


def typed_statements(read: LineReader) -> Iterator[str]:
    """What was typed, one statement or dot command at a time: a statement ends with the line
    on which it is complete (see ``is_complete``); a dot command is one line. What is left at
    EOF is a statement too."""
    lines: list[str] = []
    while True:
        line = read(CONTINUATION_PROMPT if lines else PROMPT)
        if line is None:
            break
        if line == ABANDONED:
            lines = []
            continue
        if not lines and not line.strip():
            continue
        if not lines and is_dot_command(line):
            yield line.strip()
            continue
        lines.append(line)
        text = "\n".join(lines)
        if is_complete(text):
            yield text
            lines = []
    if "\n".join(lines).strip():
        yield "\n".join(lines)


def is_complete(text: str) -> bool:
    """Whether ``text`` ends a statement: its last token other than a comment is a ``;``
    (DuckDB's tokenizer, so a ``;`` inside a string, a quoted name or a comment does not
    count, and an unterminated string or comment is not complete)."""
    try:
        tokens = duckdb.tokenize(text)
    except duckdb.Error:  # not tokenizable: let DuckDB report it once a line ends with ;
        return text.rstrip().endswith(";")
    code = [offset for offset, kind in tokens if kind != duckdb.token_type.comment]
    return bool(code) and text[code[-1]] == ";"
