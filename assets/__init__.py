"""The data path, one folder per source and stage: ``calendar`` (Google Calendar) and
the Meet step ``transcripts``, which asks ``meet`` (Meet REST) and ``drive`` (the Docs Meet
wrote); each writes through ``warehouse`` (DuckDB), and ``models`` builds views on top.
"""
