"""`meetsync sql`: output formats, read-only access, errors, the interactive prompt, and
waiting for a real write lock held by another process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from cli.main import main
from cli.sql.prompt import CONTINUATION_PROMPT, PROMPT
from cli.sql.rendering import Result, as_table, nested_text
from tests.helpers import PROJECT_ROOT

WAITING = "DuckDB is busy (a pipeline run is writing); waiting up to {}s..."
# Opens the file read-write (taking DuckDB's lock), says so, and holds it until told to stop.
HOLDER = (
    "import duckdb, sys\n"
    "conn = duckdb.connect(sys.argv[1])\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "conn.close()\n"
)


@pytest.fixture
def database(tmp_path, monkeypatch) -> Path:
    """A small DuckDB file, and MEETSYNC_DUCKDB_PATH pointing at it."""
    path = tmp_path / "meetsync.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "CREATE TABLE demo (n INTEGER, title VARCHAR, emails VARCHAR[], hours DOUBLE, "
            "start_time TIMESTAMPTZ, note VARCHAR, flag BOOLEAN)"
        )
        conn.execute(
            "INSERT INTO demo VALUES "
            "(1, 'Kickoff', ['ana@ourco.com', 'carl@acme.com'], 1.5, "
            "'2026-03-02 09:00:00+00', NULL, true), "
            "(12, 'Café 会議', [], 0.25, '2026-03-02 14:00:00+00', 'two\nlines', false)"
        )
    monkeypatch.setenv("MEETSYNC_DUCKDB_PATH", str(path))
    monkeypatch.delenv("MEETSYNC_TIMEZONE", raising=False)
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["sql", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_output(database, capsys):
    code, out, err = run(capsys, "SELECT * FROM demo ORDER BY n")
    assert (code, err) == (0, "")
    # A value with a line break takes two lines of its row; a rule separates the rows then.
    assert out == (
        " n | title     | emails                         | hours | start_time                | note  | flag\n"  # noqa: E501
        "---+-----------+--------------------------------+-------+---------------------------+-------+------\n"
        " 1 | Kickoff   | [ana@ourco.com, carl@acme.com] |   1.5 | 2026-03-02 09:00:00+00:00 | NULL  | true\n"  # noqa: E501
        "---+-----------+--------------------------------+-------+---------------------------+-------+------\n"
        "12 | Café 会議 | []                             |  0.25 | 2026-03-02 14:00:00+00:00 | two   | false\n"  # noqa: E501
        "   |           |                                |       |                           | lines |\n"  # noqa: E501
        "(2 rows)\n"
    )


def test_line_output_shows_every_value_in_full(database, capsys):
    code, out, err = run(capsys, "SELECT n, title, note FROM demo ORDER BY n", "--format", "line")
    assert (code, err) == (0, "")
    assert out == (
        "    n = 1\n"
        "title = Kickoff\n"
        " note = NULL\n"
        "\n"
        "    n = 12\n"
        "title = Café 会議\n"
        " note = two\n"
        "lines\n"
    )
    long_text = "word " * 500
    code, out, _ = run(capsys, f"SELECT '{long_text}' AS transcript", "--format", "line")
    assert out == f"transcript = {long_text}\n"
    code, out, _ = run(capsys, "SELECT * FROM demo WHERE false", "--format", "line")
    assert (code, out) == (0, "")


def test_csv_output(database, capsys):
    code, out, _ = run(capsys, "SELECT * FROM demo ORDER BY n", "--format", "csv")
    assert code == 0
    assert out == (
        "n,title,emails,hours,start_time,note,flag\n"
        '1,Kickoff,"[ana@ourco.com, carl@acme.com]",1.5,2026-03-02 09:00:00+00:00,,true\n'
        '12,Café 会議,[],0.25,2026-03-02 14:00:00+00:00,"two\nlines",false\n'
    )


def test_json_output(database, capsys):
    code, out, _ = run(capsys, "SELECT * FROM demo ORDER BY n", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {
            "n": 1,
            "title": "Kickoff",
            "emails": ["ana@ourco.com", "carl@acme.com"],
            "hours": 1.5,
            "start_time": "2026-03-02T09:00:00+00:00",
            "note": None,
            "flag": True,
        },
        {
            "n": 12,
            "title": "Café 会議",
            "emails": [],
            "hours": 0.25,
            "start_time": "2026-03-02T14:00:00+00:00",
            "note": "two\nlines",
            "flag": False,
        },
    ]


def test_timestamps_in_the_partitions_time_zone(database, capsys, monkeypatch):
    monkeypatch.setenv("MEETSYNC_TIMEZONE", "Europe/Berlin")
    code, out, _ = run(capsys, "SELECT start_time FROM demo WHERE n = 1", "--format", "csv")
    assert (code, out) == (0, "start_time\n2026-03-02 10:00:00+01:00\n")


def test_several_statements_and_empty_results(database, capsys):
    code, out, _ = run(
        capsys, "SET search_path = 'main'; SELECT 1 AS a; SELECT n FROM demo WHERE false"
    )
    assert code == 0
    assert out == "a\n-\n1\n(1 row)\n\nn\n-\n(0 rows)\n"


def test_read_only_insert_fails_cleanly_and_changes_nothing(database, capsys):
    before = database.read_bytes()
    code, out, err = run(capsys, "INSERT INTO demo (n) VALUES (99)")
    assert (code, out) == (1, "")
    assert err.startswith(
        'meetsync: Invalid Input Error: Cannot execute statement of type "INSERT"'
    )
    assert "read-only" in err and "Traceback" not in err
    code, _, err = run(capsys, "CREATE TABLE other AS SELECT 1")
    assert code == 1 and "read-only" in err
    assert database.read_bytes() == before
    with duckdb.connect(str(database), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM demo").fetchall() == [(2,)]


def test_missing_database_is_not_created(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no demo file here
    missing = tmp_path / "nothing" / "meetsync.duckdb"
    monkeypatch.setenv("MEETSYNC_DUCKDB_PATH", str(missing))
    code, out, err = run(capsys, "SELECT 1")
    assert (code, out) == (2, "")
    assert err.startswith(f"meetsync: No DuckDB file at {missing}: import meetings first")
    assert not missing.exists() and not missing.parent.exists()
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT 1;\n"))
    assert run(capsys)[0] == 2
    assert not missing.exists()


def test_missing_database_names_the_demos_file_when_there_is_one(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MEETSYNC_DUCKDB_PATH", raising=False)  # the default path
    demo = tmp_path / "data" / "demo" / "meetsync.duckdb"
    demo.parent.mkdir(parents=True)
    duckdb.connect(str(demo)).close()
    code, out, err = run(capsys, "SELECT 1")
    assert (code, out) == (2, "")
    assert err == (
        "meetsync: No DuckDB file at data/meetsync.duckdb. The demo's is "
        "data/demo/meetsync.duckdb: export MEETSYNC_DUCKDB_PATH=data/demo/meetsync.duckdb\n"
    )
    assert not (tmp_path / "data" / "meetsync.duckdb").exists()


def test_sql_error(database, capsys):
    code, out, err = run(capsys, "SELECT * FROM no_such_table")
    assert (code, out) == (1, "")
    assert err.startswith("meetsync: Catalog Error: Table with name no_such_table does not exist")
    assert "Traceback" not in err


def test_statements_before_an_error_are_printed(database, capsys):
    code, out, err = run(capsys, "SELECT 1 AS a; SELECT nope; SELECT 2 AS b", "--format", "csv")
    assert (code, out) == (1, "a\n1\n")
    assert err.startswith("meetsync: Binder Error")


def test_interactive_from_piped_stdin(database, capsys, monkeypatch):
    typed = (
        "SELECT count(*) AS meetings FROM demo;\n"
        "\n"
        "SELECT n,\n"
        "  title\n"
        "FROM demo WHERE n > 1;\n"
        "SELECT * FROM no_such_table;\n"
        ".quit\n"
        "SELECT 'never run';\n"
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    code, out, err = run(capsys, "--format", "csv")
    assert code == 1  # one statement failed; the session went on
    assert out == "meetings\n2\nn,title\n12,Café 会議\n"
    assert err.startswith("meetsync: Catalog Error") and err.count("meetsync:") == 1
    assert PROMPT not in out


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_interactive_prompt_on_a_terminal_and_eof(database, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeTerminal("SELECT 1 AS a;\nSELECT\n2 AS b;\n"))
    code, out, _ = run(capsys, "--format", "csv")
    assert code == 0
    assert out == f"{PROMPT}a\n1\n{PROMPT}{CONTINUATION_PROMPT}b\n2\n{PROMPT}\n"


def test_table_formatting_details():
    table = as_table(
        Result(
            ["id", "value"],
            [(None, "x" * 100), (7, {"k": "v", "list": [1, None, "a,b", "it's"]})],
        )
    )
    assert table.splitlines() == [
        "  id | value",
        "-----+-" + "-" * 80,
        "NULL | " + "x" * 79 + "…",
        "   7 | {'k': v, 'list': [1, NULL, 'a,b', 'it\\'s']}",
        "(2 rows)",
    ]
    assert nested_text("") == "''" and nested_text("NULL") == "'NULL'"


def test_table_cells_keep_lines_expand_tabs_and_escape_control_characters():
    table = as_table(Result(["t"], [("a\r\nb\tc\x1b[31mred",)]))
    assert table.splitlines() == ["t", "-" * 16, "a", "b   c\\x1b[31mred", "(1 row)"]


# ----- a real lock held by another process ---------------------------------------------------


def hold_lock(database: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0


def meetsync_sql(database: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "sql", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "MEETSYNC_DUCKDB_PATH": str(database), "PYTHONIOENCODING": "utf-8"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_waits_for_a_pipeline_run_to_release_the_lock(database):
    holder = hold_lock(database)
    try:
        query = meetsync_sql(database, "SELECT count(*) AS n FROM demo", "--format", "csv")
        assert query.stderr.readline() == WAITING.format(30) + "\n"
        time.sleep(1.0)  # the writer goes on for a while; the query keeps waiting
        assert query.poll() is None
    finally:
        release(holder)
    out, err = query.communicate(timeout=60)
    assert (query.returncode, out, err) == (0, "n\n2\n", "")


def test_gives_up_after_wait_seconds_with_exit_3(database):
    holder = hold_lock(database)
    try:
        started = time.monotonic()
        query = meetsync_sql(database, "SELECT 1", "--wait", "0.5")
        out, err = query.communicate(timeout=60)
        elapsed = time.monotonic() - started
    finally:
        release(holder)
    assert (query.returncode, out) == (3, "")
    first, second = err.splitlines()
    assert first == WAITING.format(0.5)
    assert second.startswith("meetsync: DuckDB is still busy after 0.5s: a pipeline run")
    assert f"is writing {database}." in second
    assert "Traceback" not in err
    assert elapsed >= 0.5
