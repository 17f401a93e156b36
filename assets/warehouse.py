"""DuckDB tables of the pipeline: their schemas, and atomic replacement of partition slices."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Table:
    """A partitioned DuckDB table: the column list is the single source of its DDL and of
    the column schema shown in the Dagster UI."""

    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def dagster_schema(self) -> dg.TableSchema:
        return dg.TableSchema(
            columns=[
                dg.TableColumn(c.name, c.type, description=c.description) for c in self.columns
            ]
        )

    def metadata(self) -> dict:
        return {"dagster/column_schema": self.dagster_schema, "dagster/table_name": self.name}

    def ensure(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Create the table, or add the columns an older version of it lacks."""
        columns = ", ".join(f"{_ident(c.name)} {c.type}" for c in self.columns)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {_ident(self.name)} ({columns})")
        for column in self.columns:
            conn.execute(
                f"ALTER TABLE {_ident(self.name)} ADD COLUMN IF NOT EXISTS "
                f"{_ident(column.name)} {column.type}"
            )

    def empty_frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in self.column_names})

    def frame(self, rows: list[dict]) -> pd.DataFrame:
        """Rows (dicts by column name) as a frame of this table, timestamps in UTC."""
        if not rows:
            return self.empty_frame()
        return self._typed(pd.DataFrame(rows, columns=self.column_names))

    def columns_frame(self, columns: dict[str, list]) -> pd.DataFrame:
        """Columns (lists of values by column name) as a frame of this table: for many rows,
        without a dict per row."""
        if not any(columns.values()):
            return self.empty_frame()
        return self._typed(pd.DataFrame(columns, columns=self.column_names))

    def _typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        for column in self.columns:
            if column.type == "TIMESTAMPTZ":
                frame[column.name] = pd.to_datetime(frame[column.name], utc=True)
        return frame


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    in one transaction; the rows written per table.

    A run killed at any point leaves every table's old slice or every table's new one, never a
    mix. Rows are inserted by column name, so a table with extra (newer) columns accepts them.
    """
    rows = [(table, _slice_rows(table, frame, first_day, end_day)) for table, frame in slices]
    with transaction(conn):
        for table, frame in rows:
            table.ensure(conn)
            conn.execute(
                f"DELETE FROM {_ident(table.name)} "
                "WHERE partition_date >= ? AND partition_date < ?",
                [first_day, end_day],
            )
            if len(frame):
                conn.register("incoming_rows", frame)
                try:
                    conn.execute(
                        f"INSERT INTO {_ident(table.name)} BY NAME SELECT * FROM incoming_rows"
                    )
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
