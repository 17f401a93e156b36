-- The transcript Docs (Meet's docsDestination) that earlier imports stored for a slice.
SELECT
    event_id,
    transcript_doc_ids
FROM transcripts
WHERE
    partition_date >= $first_day
    AND partition_date < $end_day
    AND len(transcript_doc_ids) > 0
