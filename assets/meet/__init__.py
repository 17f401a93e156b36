"""Google Meet's REST API: conference records by meeting code, matched to the calendar's
meeting instances, their transcripts, participants and entries fetched, and each meeting's
transcript assembled as ``Speaker: utterance`` lines with its status.
"""
