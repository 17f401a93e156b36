-- The Meet meetings whose conference records and transcripts a slice needs.
SELECT
    event_id,
    partition_date,
    start_time,
    end_time,
    conference_id
FROM meet_meetings
WHERE partition_date >= $first_day AND partition_date < $end_day
ORDER BY start_time, event_id
