from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import pytest

from assets.warehouse.slices import replace_slice
from assets.warehouse.tables import Column, Table

TABLE = Table(
    "things",
    (
        Column("id", "VARCHAR", ""),
        Column("partition_date", "DATE", ""),
        Column("tags", "VARCHAR[]", ""),
        Column("at", "TIMESTAMPTZ", ""),
    ),
)


def frame(day: date, ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ids,
            "partition_date": [day] * len(ids),
            "tags": [["a", "ü"]] * len(ids),
            "at": pd.to_datetime([datetime(2026, 1, 1, tzinfo=UTC)] * len(ids), utc=True),
        }
    )


def rows(conn):
    return conn.execute("SELECT partition_date, id FROM things ORDER BY 1, 2").fetchall()


def test_replace_only_the_written_slice(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    TABLE.create(conn)
    d1, d2, d3 = date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)
    replace_slice(conn, TABLE, pd.concat([frame(d1, ["a"]), frame(d2, ["b", "c"])]), d1, d3)
    replace_slice(conn, TABLE, frame(d2, ["z"]), d2, d3)
    replace_slice(conn, TABLE, frame(d2, ["z"]), d2, d3)
    assert rows(conn) == [(d1, "a"), (d2, "z")]
    types = dict(
        conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'things'"
        ).fetchall()
    )
    assert types == {
        "id": "VARCHAR",
        "partition_date": "DATE",
        "tags": "VARCHAR[]",
        "at": "TIMESTAMP WITH TIME ZONE",
    }


def test_rows_outside_the_slice_are_refused_and_nothing_changes(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    TABLE.create(conn)
    d1, d2 = date(2026, 1, 1), date(2026, 1, 2)
    replace_slice(conn, TABLE, frame(d1, ["a"]), d1, d2)
    with pytest.raises(ValueError, match="outside"):
        replace_slice(conn, TABLE, frame(d2, ["x"]), d1, d2)
    assert rows(conn) == [(d1, "a")]


def test_failure_mid_write_rolls_back(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    TABLE.create(conn)
    d1, d2 = date(2026, 1, 1), date(2026, 1, 2)
    replace_slice(conn, TABLE, frame(d1, ["a"]), d1, d2)
    bad = frame(d1, ["b"])
    bad["at"] = ["not a timestamp"]
    with pytest.raises(duckdb.Error):
        replace_slice(conn, TABLE, bad, d1, d2)
    assert rows(conn) == [(d1, "a")]


def test_older_table_gains_new_columns(tmp_path):
    conn = duckdb.connect(str(tmp_path / "w.duckdb"))
    conn.execute("CREATE TABLE things (partition_date DATE, id VARCHAR, legacy INTEGER)")
    TABLE.create(conn)  # exists: left as it is
    TABLE.add_missing_columns(conn)
    d1, d2 = date(2026, 1, 1), date(2026, 1, 2)
    replace_slice(conn, TABLE, frame(d1, ["a"]), d1, d2)
    assert conn.execute("SELECT id, legacy, tags FROM things").fetchall() == [
        ("a", None, ["a", "ü"])
    ]
