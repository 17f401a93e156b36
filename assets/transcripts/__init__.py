"""The Meet step (``meet_transcripts``): asks Meet about the meetings it still keeps and Drive
about older ones, and writes conference_records, transcripts and transcript_entries window
by window (``window_plan`` says which days go together, ``window_fetch`` fetches them).
"""
