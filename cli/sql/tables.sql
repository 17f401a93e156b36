-- `.tables` at the meetsync> prompt: the warehouse's tables and views.
SELECT
    table_name,
    'table' AS kind
FROM duckdb_tables()
WHERE NOT internal
UNION ALL
SELECT
    view_name AS table_name,
    'view' AS kind
FROM duckdb_views()
WHERE NOT internal
ORDER BY table_name
