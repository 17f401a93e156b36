"""The SQL models: every ``dbt_like_sql/*.sql`` file becomes a view asset."""
