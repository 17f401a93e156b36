-- depends_on: transcript_entries
-- description: Per meeting and speaker: utterances, words and seconds spoken, and their share.
-- Speakers are display names, so every unresolved participant is one 'Unknown speaker'.
-- column: utterances: Transcript entries of the speaker in the meeting
-- column: words: Whitespace-separated tokens of those entries' text
-- column: seconds_spoken: Sum of end_time - start_time of those entries (no times count 0)
-- column: share_of_meeting_seconds: seconds_spoken over all speakers' in the meeting (0..1, 3 dp)
WITH per_speaker AS (
    SELECT
        event_id,
        partition_date,
        speaker,
        count(*) AS utterances,
        coalesce(sum(len(regexp_extract_all(text, '\S+'))), 0)::BIGINT AS words,
        (
            coalesce(sum(greatest(date_diff('microsecond', start_time, end_time), 0)), 0)
            / 1000000
        )::DOUBLE AS seconds_spoken
    FROM transcript_entries
    GROUP BY event_id, partition_date, speaker
)

SELECT
    event_id,
    partition_date,
    speaker,
    utterances,
    words,
    seconds_spoken,
    round(
        seconds_spoken
        / nullif(sum(seconds_spoken) OVER (PARTITION BY event_id, partition_date), 0),
        3
    ) AS share_of_meeting_seconds
FROM per_speaker
ORDER BY partition_date ASC, event_id ASC, seconds_spoken DESC, speaker ASC
