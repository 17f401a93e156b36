-- Days that still have meetings whose transcript may arrive or change later. In the last days
-- ($first_day on): a re-check status, or an available transcript that is not final yet
-- (ENDED). In the last weeks ($drive_first_day on): a meeting whose transcript Doc Drive
-- refused (its status_detail starts with $drive_prefix), last checked before
-- $drive_checked_before, so such a day is asked again about once a week.
SELECT DISTINCT partition_date
FROM transcripts
WHERE
    partition_date < $end_day
    AND (
        (
            partition_date >= $first_day
            AND (
                list_contains($statuses, transcript_status)
                OR NOT coalesce(transcript_final, TRUE)
            )
        )
        OR (
            partition_date >= $drive_first_day
            AND list_contains($drive_statuses, transcript_status)
            AND starts_with(status_detail, $drive_prefix)
            AND checked_at < $drive_checked_before
        )
    )
ORDER BY partition_date
