"""The SQL models: every ``*.sql`` file here becomes a Dagster asset (see
``assets/models/sql_models.py``).

A package so that the files ship inside the wheel next to the code that loads them.
"""
