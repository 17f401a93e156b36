-- Days of a window that still have meetings whose transcript may arrive or change later:
-- a re-check status, or an available transcript that is not final yet (ENDED).
SELECT DISTINCT partition_date
FROM transcripts
WHERE
    partition_date >= $first_day
    AND partition_date < $end_day
    AND (
        list_contains($statuses, transcript_status)
        OR NOT coalesce(transcript_final, TRUE)
    )
ORDER BY partition_date
