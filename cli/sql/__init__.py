"""`meetsync sql`: read-only SQL over the meetsync DuckDB file, printed as a table, CSV or JSON.

``command`` ties the pieces together: ``runner`` opens the file and runs statements, ``prompt``
reads the statements typed at the terminal, ``rendering`` formats the results.
"""
