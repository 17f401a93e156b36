"""The `meetsync sql` prompt: statements end at ';' as in DuckDB's shell, dot commands, history,
the pager; typed on a pipe and at a real terminal (a pty)."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pexpect
import pytest

from cli.main import main
from cli.sql.pager import DEFAULT_PAGER, fits, pager_command
from cli.sql.prompt import ABANDONED, CONTINUATION_PROMPT, PROMPT, is_complete, typed_statements
from tests.helpers import PROJECT_ROOT

MEETSYNC = [sys.executable, "-m", "cli.main", "sql"]
TITLES = [f"Meeting {n:02d}" for n in range(1, 61)]


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Path:
    """60 meetings with two-line transcripts; MEETSYNC_* pointing into the temp dir."""
    path = tmp_path / "meetsync.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "CREATE TABLE meetings AS SELECT 'Meeting ' || lpad(n::VARCHAR, 2, '0') AS title, "
            "'Ana: hello' || chr(10) || 'Bo: bye ' || n AS transcript FROM range(1, 61) t(n)"
        )
        conn.execute("CREATE VIEW first_meetings AS SELECT title FROM meetings LIMIT 3")
    monkeypatch.setenv("MEETSYNC_DUCKDB_PATH", str(path))
    monkeypatch.setenv("MEETSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MEETSYNC_TIMEZONE", raising=False)
    return path


def typed(capsys, monkeypatch, text: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code = main(["sql", *args])
    out, err = capsys.readouterr()
    return code, out, err


# ----- statements end at ';' ------------------------------------------------------------------


def lines(*typed_lines: str):
    remaining = list(typed_lines)
    return lambda prompt: remaining.pop(0) if remaining else None


def test_a_statement_ends_at_a_semicolon_on_any_line():
    assert list(
        typed_statements(
            lines("SELECT title", "FROM meetings LIMIT 2;", "", "SELECT 1; -- done", "SELEC 1", ";")
        )
    ) == ["SELECT title\nFROM meetings LIMIT 2;", "SELECT 1; -- done", "SELEC 1\n;"]


def test_semicolons_in_strings_names_and_comments_do_not_end_a_statement():
    assert list(
        typed_statements(
            lines("SELECT 'a;", "b;' AS x,", '"odd;name"', "/* ; */ FROM t -- ;", ";", "SELECT 2")
        )
    ) == ["SELECT 'a;\nb;' AS x,\n\"odd;name\"\n/* ; */ FROM t -- ;\n;", "SELECT 2"]
    assert not is_complete("SELECT $$dollar;")
    assert is_complete("SELECT $$dollar;$$;")
    assert not is_complete("SELECT 1 /* unfinished ;")
    assert is_complete("SELECT 1; /* trailing comment */")


def test_dot_commands_only_where_a_statement_starts_and_ctrl_c_drops_the_statement():
    assert list(
        typed_statements(
            lines(
                "  .tables  ", "SELECT a", ".b FROM t;", "SELECT 'dropped'", ABANDONED, "SELECT 3;"
            )
        )
    ) == [".tables", "SELECT a\n.b FROM t;", "SELECT 3;"]


def test_the_talk_time_query_typed_line_by_line_runs_once(warehouse, capsys, monkeypatch):
    code, out, err = typed(
        capsys,
        monkeypatch,
        "SELECT title\nFROM meetings\nORDER BY title\nLIMIT 2;\n",
        "--format",
        "csv",
    )
    assert (code, err) == (0, "")
    assert out == "title\nMeeting 01\nMeeting 02\n"


def test_without_a_final_semicolon_the_statement_runs_at_eof(warehouse, capsys, monkeypatch):
    code, out, _ = typed(
        capsys, monkeypatch, "SELECT count(*) AS n\nFROM meetings\n", "--format", "csv"
    )
    assert (code, out) == (0, "n\n60\n")


# ----- dot commands ---------------------------------------------------------------------------


def test_dot_commands(warehouse, capsys, monkeypatch):
    code, out, err = typed(
        capsys,
        monkeypatch,
        ".tables\n.schema FIRST_MEETINGS\n.help\n.quit\nSELECT 'never';\n",
    )
    assert (code, err) == (0, "")
    tables, rest = out.split("(2 rows)\n")
    assert tables.splitlines() == [
        "table_name     | kind",
        "---------------+------",
        "first_meetings | view",
        "meetings       | table",
    ]
    schema, help_text = rest.split(");\n", 1)
    assert schema == "CREATE VIEW first_meetings (\n    title VARCHAR\n"
    assert ".schema [NAME]" in help_text and "never" not in out


def test_dot_command_mistakes_are_reported_and_the_session_goes_on(warehouse, capsys, monkeypatch):
    code, out, err = typed(
        capsys,
        monkeypatch,
        ".schema nope\n.tabels\n.tables extra\n.schema a b\n.exit\n",
    )
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "meetsync: no table or view named nope",
        "meetsync: unknown command .tabels: .help lists the commands",
        "meetsync: .tables takes no argument",
        "meetsync: usage: .schema [NAME]",
    ]


# ----- the pager ------------------------------------------------------------------------------


def test_pager_command_from_the_environment():
    assert pager_command({}) == DEFAULT_PAGER.split()
    assert pager_command({"PAGER": "less -S"}) == ["less", "-S"]
    assert pager_command({"PAGER": ""}) is None
    assert pager_command({"PAGER": "cat"}) is None
    assert pager_command({"PAGER": "'unbalanced"}) is None


def test_fits_the_terminal():
    size = os.terminal_size((20, 5))
    assert fits("a\nb\nc\nd\n", size)
    assert not fits("a\nb\nc\nd\ne\n", size)  # leaves no line for the prompt
    assert not fits("x" * 21 + "\n", size)
    assert fits("会" * 10 + "\n", size) and not fits("会" * 11 + "\n", size)


def test_no_pager_when_the_output_is_not_a_terminal(warehouse, tmp_path):
    marker = tmp_path / "pager-ran"
    done = subprocess.run(
        [*MEETSYNC, "SELECT * FROM meetings"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PAGER": f"touch {marker}", "LINES": "5", "COLUMNS": "40"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "(60 rows)" in done.stdout
    assert not marker.exists()


# ----- a real terminal ------------------------------------------------------------------------


def default_sigint() -> None:
    """In the child: Ctrl-C interrupts, even when this test runs as a background job (whose
    children start with SIGINT ignored), as it does at a user's terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def terminal(warehouse: Path, pager: str = "cat", *args: str) -> pexpect.spawn:
    """`meetsync sql` on a pty of 24 lines × 100 columns."""
    env = {
        **os.environ,
        "MEETSYNC_DUCKDB_PATH": str(warehouse),
        "MEETSYNC_HOME": str(warehouse.parent / "home"),
        "PAGER": pager,
        "TERM": "dumb",
        "PYTHONIOENCODING": "utf-8",
        "INPUTRC": "/dev/null",
    }
    env.pop("LINES", None)
    env.pop("COLUMNS", None)
    child = pexpect.spawn(
        MEETSYNC[0],
        [*MEETSYNC[1:], *args],
        cwd=str(PROJECT_ROOT),
        env=env,
        dimensions=(24, 100),
        encoding="utf-8",
        timeout=30,
        preexec_fn=default_sigint,
    )
    child.expect_exact(PROMPT)
    return child


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_terminal_multi_line_statement_ctrl_c_and_ctrl_d(warehouse):
    child = terminal(warehouse)
    child.sendline("SELECT title")
    child.expect_exact(CONTINUATION_PROMPT)
    child.sendline("FROM meetings ORDER BY title LIMIT 2;")
    child.expect_exact("(2 rows)")
    assert "Meeting 01" in child.before and "Meeting 03" not in child.before
    child.expect_exact(PROMPT)
    child.send("SELECT 'dropped'")
    # As at a keyboard, Ctrl-C comes after the line is on screen: a ^C arriving with bytes the
    # terminal has not handed to readline yet makes the terminal discard them (and readline can
    # then wait for input that never comes), which no person can type fast enough to cause.
    child.expect_exact("SELECT 'dropped'")
    child.sendintr()
    child.expect_exact(PROMPT)
    child.sendline("SELECT 40 + 2 AS answer;")
    child.expect_exact("(1 row)")
    assert "42" in child.before and "dropped" not in child.before
    child.expect_exact(PROMPT)
    child.sendeof()
    assert finish(child) == 0


def test_terminal_history_is_kept_private_and_recalled(warehouse):
    history = warehouse.parent / "home" / "sql_history"
    child = terminal(warehouse)
    child.sendline("SELECT 6 * 7 AS answer;")
    child.expect_exact("(1 row)")
    child.expect_exact(PROMPT)
    child.sendeof()
    assert finish(child) == 0
    assert "SELECT 6 * 7 AS answer;" in history.read_text().splitlines()
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert [p.name for p in history.parent.iterdir()] == ["sql_history"]  # no temp file left

    child = terminal(warehouse)
    child.send("\x1b[A")  # arrow up: the last line of the previous session
    child.send("\r")
    child.expect_exact("(1 row)")
    assert "42" in child.before
    child.expect_exact(PROMPT)
    child.sendline(".quit")
    assert finish(child) == 0


def test_terminal_pages_long_results_only(warehouse):
    child = terminal(warehouse, "sed s/^/paged:/")
    child.sendline("SELECT title FROM meetings ORDER BY title LIMIT 3;")
    child.expect_exact("(3 rows)")
    assert "paged:" not in child.before
    child.expect_exact(PROMPT)
    child.sendline("SELECT title FROM meetings ORDER BY title;")  # 60 rows: taller than 24
    child.expect_exact("paged:(60 rows)")
    assert "paged:Meeting 01" in child.before
    child.expect_exact(PROMPT)
    child.sendline(".quit")
    assert finish(child) == 0


def test_terminal_one_query_is_paged_too(warehouse):
    child = pexpect.spawn(
        MEETSYNC[0],
        [*MEETSYNC[1:], "SELECT title, transcript FROM meetings ORDER BY title"],
        cwd=str(PROJECT_ROOT),
        env={
            **{k: v for k, v in os.environ.items() if k not in ("LINES", "COLUMNS")},
            "MEETSYNC_DUCKDB_PATH": str(warehouse),
            "PAGER": "sed s/^/paged:/",
        },
        dimensions=(24, 100),
        encoding="utf-8",
        timeout=30,
        preexec_fn=default_sigint,
    )
    child.expect_exact("paged:(60 rows)")
    # Transcripts keep their lines: no literal \n in the table.
    assert "paged:Meeting 01 | Ana: hello" in child.before.replace("\r", "")
    assert "\\n" not in child.before
    assert finish(child) == 0
