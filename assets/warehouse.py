"""DuckDB tables of the pipeline: their schemas, and atomic replacement of partition slices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def partition_dates(start: datetime, end: datetime) -> tuple[date, date]:
    """The [first, last) partition dates of a partition time window."""
    return start.date(), end.date()


def replace_slice(
    conn: duckdb.DuckDBPyConnection,
    table: Table,
    frame: pd.DataFrame,
    first_day: date,
    end_day: date,
    own_transaction: bool = True,
) -> int:
    """Replace the rows of partitions [first_day, end_day) with ``frame`` in one transaction.

    A run killed at any point leaves the old slice or the new one, never a mix. With
    ``own_transaction=False`` the caller holds the transaction (several tables at once). Rows are
    inserted by column name, so a table with extra (newer) columns still accepts them.
    """
    missing = set(table.column_names) - set(frame.columns)
    if missing:
        raise ValueError(f"{table.name}: frame lacks columns {sorted(missing)}")
    days = pd.to_datetime(frame["partition_date"])
    outside = frame[(days < pd.Timestamp(first_day)) | (days >= pd.Timestamp(end_day))]
    if len(outside):
        raise ValueError(f"{table.name}: {len(outside)} rows fall outside the partitions written")
    rows = frame[table.column_names]
    if own_transaction:
        conn.execute("BEGIN TRANSACTION")
    try:
        table.ensure(conn)
        conn.execute(
            f"DELETE FROM {_ident(table.name)} WHERE partition_date >= ? AND partition_date < ?",
            [first_day, end_day],
        )
        if len(rows):
            conn.register("incoming_rows", rows)
            try:
                conn.execute(
                    f"INSERT INTO {_ident(table.name)} BY NAME SELECT * FROM incoming_rows"
                )
            finally:
                conn.unregister("incoming_rows")
        if own_transaction:
            conn.execute("COMMIT")
    except BaseException:
        if own_transaction:
            conn.execute("ROLLBACK")
        raise
    return len(rows)


def read_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_slice(
    conn: duckdb.DuckDBPyConnection, sql_name: str, first_day: date, end_day: date
) -> pd.DataFrame:
    """Run ``assets/sql/<sql_name>.sql`` with the slice bounds bound as $first_day/$end_day."""
    return conn.execute(read_sql(sql_name), {"first_day": first_day, "end_day": end_day}).df()


def table_exists(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(found and found[0])
