-- Days of a window that still have meetings whose transcript may arrive later.
SELECT DISTINCT partition_date
FROM transcripts
WHERE
    partition_date >= $first_day
    AND partition_date < $end_day
    AND list_contains($statuses, transcript_status)
ORDER BY partition_date
