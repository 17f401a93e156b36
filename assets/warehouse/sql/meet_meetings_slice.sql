-- Google Meet meetings of a slice of calendar_events partitions.
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
    attachments
FROM calendar_events
WHERE
    partition_date >= $first_day
    AND partition_date < $end_day
    AND conference_solution = 'hangoutsMeet'
ORDER BY start_time, event_id
