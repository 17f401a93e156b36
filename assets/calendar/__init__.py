"""Google Calendar: the primary calendar's events (``calendar_events``) and the Meet
meetings among them (``meet_meetings``); ``event_rows`` turns Calendar's events into rows.
"""
