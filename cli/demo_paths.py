"""Where `make demo` and `make ui` keep their state, relative to the project's root: the DuckDB
file, the Dagster instance (dagster_home/) and the connection to the emulator (home/)."""

DEMO_DIRECTORY = "data/demo"
DEMO_DUCKDB_PATH = f"{DEMO_DIRECTORY}/meetsync.duckdb"
