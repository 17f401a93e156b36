"""Atomic replacement of partition slices, and the slice queries of ``sql/``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from assets.warehouse.tables import Table, quoted_identifier

SQL_DIR = Path(__file__).parent / "sql"
# How a step opens the DuckDB file: ``WarehouseResource.get_connection``, or a test's own.
Connect = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One DuckDB transaction: committed if the block finishes, rolled back otherwise."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def replace_slices(
    conn: duckdb.DuckDBPyConnection,
    slices: Sequence[tuple[Table, pd.DataFrame]],
    first_day: date,
    end_day: date,
) -> dict[str, int]:
    """Replace the rows of partitions [first_day, end_day) of each table with its frame, all
    in one transaction; the rows written per table. The tables exist (``migrations.migrate``).

    A run killed at any point leaves every table's old slice or every table's new one, never a
    mix. Rows are inserted by column name, so a table with extra (newer) columns accepts them.
    """
    rows = [(table, _slice_rows(table, frame, first_day, end_day)) for table, frame in slices]
    with transaction(conn):
        for table, frame in rows:
            conn.execute(
                f"DELETE FROM {quoted_identifier(table.name)} "
                "WHERE partition_date >= ? AND partition_date < ?",
                [first_day, end_day],
            )
            if len(frame):
                conn.register("incoming_rows", frame)
                try:
                    name = quoted_identifier(table.name)
                    conn.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming_rows")
                finally:
                    conn.unregister("incoming_rows")
    return {table.name: len(frame) for table, frame in rows}


def replace_slice(
    conn: duckdb.DuckDBPyConnection,
    table: Table,
    frame: pd.DataFrame,
    first_day: date,
    end_day: date,
) -> int:
    """``replace_slices`` for one table; the rows written."""
    return replace_slices(conn, [(table, frame)], first_day, end_day)[table.name]


def _slice_rows(table: Table, frame: pd.DataFrame, first_day: date, end_day: date) -> pd.DataFrame:
    """The frame's columns of ``table``, after checking every row is inside the slice."""
    missing = set(table.column_names) - set(frame.columns)
    if missing:
        raise ValueError(f"{table.name}: frame lacks columns {sorted(missing)}")
    days = pd.to_datetime(frame["partition_date"])
    outside = frame[(days < pd.Timestamp(first_day)) | (days >= pd.Timestamp(end_day))]
    if len(outside):
        raise ValueError(f"{table.name}: {len(outside)} rows fall outside the partitions written")
    return frame[table.column_names]


def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_slice(
    conn: duckdb.DuckDBPyConnection, sql_name: str, first_day: date, end_day: date
) -> pd.DataFrame:
    """Run ``assets/sql/<sql_name>.sql`` with the slice bounds bound as $first_day/$end_day."""
    return conn.execute(read_sql(sql_name), {"first_day": first_day, "end_day": end_day}).df()
