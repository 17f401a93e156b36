-- `.tables` at the meetsync> prompt: the warehouse's tables and views (not the schema's
-- version, kept in meetsync_meta).
SELECT
    table_name,
    'table' AS kind
FROM duckdb_tables()
WHERE NOT internal AND schema_name <> 'meetsync_meta'
UNION ALL
SELECT
    view_name AS table_name,
    'view' AS kind
FROM duckdb_views()
WHERE NOT internal
ORDER BY table_name
