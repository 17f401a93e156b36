-- What decides whether a re-import may replace a stored transcript (assets/transcripts/
-- keep_stored.py): each stored meeting's status, source and finality.
SELECT
    event_id,
    transcript_status,
    transcript_source,
    transcript_final
FROM transcripts
WHERE partition_date >= $first_day AND partition_date < $end_day
