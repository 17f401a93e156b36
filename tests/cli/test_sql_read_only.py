"""A `meetsync sql` session sees the warehouse and nothing else: every way out is refused, and
nothing is written anywhere."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cli.main import main

SECRET = "not for analysts' eyes"


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Path:
    """The working directory: a warehouse, a file beside it and another DuckDB file, with
    MEETSYNC_DUCKDB_PATH pointing at the warehouse."""
    warehouse = tmp_path / "meetsync.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("CREATE TABLE meetings AS SELECT 'Kickoff' AS title")
    (tmp_path / "secret.csv").write_text(f"secret\n{SECRET}\n")
    with duckdb.connect(str(tmp_path / "other.duckdb")) as conn:
        conn.execute("CREATE TABLE private AS SELECT 1 AS n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MEETSYNC_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("MEETSYNC_HOME", str(tmp_path / "home"))
    return tmp_path


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


REFUSED = [
    # writing files
    "COPY (SELECT 1 AS n) TO 'out.csv'",
    "COPY meetings TO '{tmp}/out.parquet' (FORMAT parquet)",
    "EXPORT DATABASE 'exported'",
    # reading files other than the warehouse
    "SELECT * FROM read_text('{tmp}/secret.csv')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM read_csv('secret.csv')",
    "SELECT * FROM read_csv_auto('{tmp}/secret.csv')",
    "SELECT * FROM read_blob('secret.csv')",
    "SELECT * FROM 'secret.csv'",
    "SELECT * FROM glob('{tmp}/*')",
    # other databases
    "ATTACH '{tmp}/other.duckdb' AS other",
    "ATTACH 'new.duckdb' AS new",
    # extensions
    "INSTALL httpfs",
    "LOAD httpfs",
    "LOAD '{tmp}/evil.duckdb_extension'",
    # switching any of that back on
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "RESET lock_configuration",
    "SET autoinstall_known_extensions = true",
    "SET autoload_known_extensions = true",
    "SET allowed_directories = ['/']",
    "SET allow_unsigned_extensions = true",
    "SET GLOBAL enable_external_access = true",
]
REASONS = ("Permission Error", "the configuration has been locked")


@pytest.mark.parametrize("statement", REFUSED)
def test_refused_and_nothing_written(sandbox, capsys, statement):
    before = files_in(sandbox)
    code = main(["sql", statement.format(tmp=sandbox), "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    assert out == "" and SECRET not in err
    assert err.startswith("meetsync: ") and "Traceback" not in err
    assert any(reason in err for reason in REASONS), err
    assert files_in(sandbox) == before


def test_refused_after_a_statement_that_tried_to_reopen(sandbox, capsys):
    """A SET that failed leaves the session as locked as before, in the same text."""
    code = main(["sql", "SET enable_external_access = true; SELECT * FROM read_csv('secret.csv')"])
    _, err = capsys.readouterr()
    assert code == 1 and "locked" in err
    code = main(["sql", "SELECT * FROM read_csv('secret.csv')"])
    out, err = capsys.readouterr()
    assert code == 1 and SECRET not in out and "disabled by configuration" in err


def test_refused_at_the_prompt_too(sandbox, capsys, monkeypatch):
    import io
    import sys

    before = files_in(sandbox)
    typed = "COPY (SELECT 1) TO 'out.csv';\nATTACH 'other.duckdb';\nSELECT title FROM meetings;\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    code = main(["sql", "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == "title\nKickoff\n"
    assert err.count("Permission Error") == 2
    assert files_in(sandbox) == before


def test_the_warehouse_itself_reads_as_usual(sandbox, capsys):
    code = main(["sql", "SELECT title, current_setting('TimeZone') AS tz FROM meetings"])
    out, _ = capsys.readouterr()
    assert code == 0 and "Kickoff" in out and "UTC" in out
