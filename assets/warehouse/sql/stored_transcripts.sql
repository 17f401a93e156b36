-- The stored transcripts rows of the meetings a re-import keeps
-- (assets/transcripts/keep_stored.py): every column, written back as they are.
SELECT *  -- noqa: AM04
FROM transcripts
WHERE
    partition_date >= $first_day
    AND partition_date < $end_day
    AND list_contains($event_ids, event_id)
