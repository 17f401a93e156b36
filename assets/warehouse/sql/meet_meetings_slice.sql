-- Google Meet meetings of a slice of calendar_events partitions: ordinary events (never
-- out-of-office, focus time...) with a Meet conference.
SELECT
    event_id,
    partition_date,
    title,
    start_time,
    end_time,
    attendees,
    attendee_responses,
    rooms,
    conference_id,
    organizer_email,
    recurring_event_id,
    account_email,
    attachments,
    event_type,
    attendees_omitted,
    account_response
FROM calendar_events
WHERE
    partition_date >= $first_day
    AND partition_date < $end_day
    AND conference_solution = 'hangoutsMeet'
    -- Calendar's event types that are never meetings (NULL: imported before event_type was
    -- kept; a type Google adds later counts as a meeting until it is listed here)
    AND (
        event_type IS NULL
        OR NOT list_contains(
            ['outOfOffice', 'focusTime', 'workingLocation', 'birthday', 'fromGmail'], event_type
        )
    )
ORDER BY start_time, event_id
