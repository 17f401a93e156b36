-- Rows imported before attendees' answers were kept (attendee_responses NULL) and before rooms
-- were told apart (rooms NULL, booked rooms listed among the attendees): rooms move to `rooms`,
-- each remaining attendee gets an answer with an unknown response_status and is_optional.
UPDATE meet_meetings
SET
    rooms = list_filter(
        attendees, LAMBDA e: ends_with(lower(e), '@resource.calendar.google.com')
    ),
    attendees = list_filter(
        attendees, LAMBDA e: NOT ends_with(lower(e), '@resource.calendar.google.com')
    )
WHERE attendee_responses IS NULL AND rooms IS NULL AND attendees IS NOT NULL;

UPDATE meet_meetings
SET
    attendee_responses = list_transform(
        attendees,
        LAMBDA e: {
            'email': e,
            'response_status': NULL::VARCHAR,
            'is_optional': NULL::BOOLEAN,
            'is_organizer': NULL::BOOLEAN
        }
    )
WHERE attendee_responses IS NULL AND attendees IS NOT NULL;
