-- The Meet meetings whose conference records and transcripts a slice needs (title and
-- attachments find the transcript Docs of meetings Meet no longer keeps; a meeting the
-- account declined is asked of neither).
SELECT
    event_id,
    partition_date,
    start_time,
    end_time,
    conference_id,
    title,
    attachments,
    account_response
FROM meet_meetings
WHERE partition_date >= $first_day AND partition_date < $end_day
ORDER BY start_time, event_id
