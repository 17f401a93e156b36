"""DuckDB: the tables' definitions, their versioned migrations, atomic slice writes and the
SQL they run, the daily partitions, each partition's numbers, and the transcript statuses
and result types every stage shares.
"""
