-- `.schema [NAME]` at the meetsync> prompt: the columns of each table and view as a CREATE
-- statement; only the one named $table_name (in any case) when it is not NULL.
WITH relations AS (
    SELECT
        schema_name,
        table_name AS relation,
        'TABLE' AS kind
    FROM duckdb_tables()
    WHERE NOT internal
    UNION ALL
    SELECT
        schema_name,
        view_name AS relation,
        'VIEW' AS kind
    FROM duckdb_views()
    WHERE NOT internal
)

SELECT
    'CREATE ' || r.kind || ' ' || r.relation || ' (' || chr(10)
    || string_agg(
        '    ' || c.column_name || ' ' || c.data_type, ',' || chr(10) ORDER BY c.column_index
    )
    || chr(10) || ');' AS definition
FROM relations AS r
INNER JOIN duckdb_columns() AS c
    ON r.schema_name = c.schema_name AND r.relation = c.table_name
WHERE $table_name IS NULL OR lower(r.relation) = lower($table_name)
GROUP BY r.relation, r.kind
ORDER BY r.relation
