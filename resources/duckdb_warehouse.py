"""dagster-duckdb's resource, creating the database's folder on first use."""

from contextlib import contextmanager
from pathlib import Path

from dagster_duckdb import DuckDBResource


class WarehouseResource(DuckDBResource):
    """The DuckDB file that holds every meetsync table (``MEETSYNC_DUCKDB_PATH``)."""

    @contextmanager
    def get_connection(self):
        if self.database != ":memory:":
            Path(self.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        with super().get_connection() as conn:
            yield conn
