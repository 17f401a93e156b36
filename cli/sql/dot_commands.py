"""The prompt's dot commands, as in DuckDB's shell: ``.tables``, ``.schema [NAME]``, ``.help``,
``.quit`` and ``.exit``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cli.sql.runner import EXIT_OK, EXIT_SQL_ERROR, StatementRunner

SQL_DIR = Path(__file__).resolve().parent
QUIT_COMMANDS = frozenset({".quit", ".exit"})

HELP = """\
.tables          the tables and views
.schema [NAME]   the columns of table or view NAME (of all of them without NAME)
.help            this list
.quit, .exit     leave (so does Ctrl-D)

A statement ends with ';' and may take several lines; Ctrl-C drops the one being typed.
Long results open in $PAGER (default: less -FRX). For one value's full text, start
meetsync sql with --format line.
"""


def is_dot_command(text: str) -> bool:
    return text.lstrip().startswith(".")


def run_dot_command(line: str, runner: StatementRunner) -> int | None:
    """Run one dot command line; its exit code, or None for ``.quit``/``.exit``."""
    name, *arguments = line.split()
    if name in QUIT_COMMANDS:
        return None
    command = COMMANDS.get(name)
    if command is None:
        runner.error(f"unknown command {name}: .help lists the commands")
        return EXIT_SQL_ERROR
    return command(runner, arguments)


def show_help(runner: StatementRunner, arguments: list[str]) -> int:
    runner.output(HELP)
    return EXIT_OK


def show_tables(runner: StatementRunner, arguments: list[str]) -> int:
    if arguments:
        runner.error(".tables takes no argument")
        return EXIT_SQL_ERROR
    return runner.run(read_sql("tables"), parameters={})


def show_schema(runner: StatementRunner, arguments: list[str]) -> int:
    if len(arguments) > 1:
        runner.error("usage: .schema [NAME]")
        return EXIT_SQL_ERROR
    name = arguments[0] if arguments else None
    return runner.run(
        read_sql("schema"),
        parameters={"table_name": name},
        as_text=True,
        none_found=f"no table or view named {name}" if name else "no table or view yet",
    )


def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


COMMANDS: dict[str, Callable[[StatementRunner, list[str]], int]] = {
    ".help": show_help,
    ".tables": show_tables,
    ".schema": show_schema,
}
