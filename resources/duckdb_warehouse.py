"""dagster-duckdb's resource, creating the database's folder on first use and waiting, with a
log line, while another process holds the file (see resources/duckdb_lock.py)."""

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import Field

from resources.duckdb_lock import connect_waiting
from resources.settings import DEFAULT_DUCKDB_LOCK_WAIT_SECONDS


class WarehouseResource(DuckDBResource):
    """The DuckDB file that holds every meetsync table (``MEETSYNC_DUCKDB_PATH``)."""

    lock_wait_seconds: float = Field(
        default=DEFAULT_DUCKDB_LOCK_WAIT_SECONDS,
        description="How long a step waits for another process to release the DuckDB file "
        "before it fails (MEETSYNC_DUCKDB_LOCK_WAIT_SECONDS).",
    )

    @contextmanager
    def get_connection(self):
        if self.database != ":memory:":
            Path(self.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        conn = connect_waiting(
            self.database,
            max_wait_seconds=self.lock_wait_seconds,
            log=dg.get_dagster_logger(),
            config={"custom_user_agent": "dagster", **self.connection_config},
        )
        try:
            yield conn
        finally:
            conn.close()
