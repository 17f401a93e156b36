-- depends_on: meet_meetings, transcripts
-- description: One row per Google Meet meeting with its assembled transcript, status and source.
-- column: transcript_status: transcripts.transcript_status, or 'not_fetched' before Meet was asked
SELECT
    m.event_id,
    m.title,
    m.start_time,
    m.end_time,
    m.attendees,
    m.rooms,
    m.conference_id,
    coalesce(t.transcript, '') AS transcript,
    coalesce(t.transcript_status, 'not_fetched') AS transcript_status,
    t.transcript_final,
    t.transcript_source,
    m.partition_date
FROM meet_meetings AS m
LEFT JOIN transcripts AS t
    ON m.event_id = t.event_id AND m.partition_date = t.partition_date
