-- depends_on: meetings
-- description: Per day: meetings, hours, attendees and meetings per transcript status.
-- The status columns add up to meetings. Days without meetings are absent.
-- column: partition_date: The day (the meetings' partition)
-- column: meetings: Meet meetings that day
-- column: meeting_hours: Sum of the meetings' scheduled durations, in hours (2 decimals)
-- column: attendees: Sum of the meetings' attendee counts (one person in two meetings counts 2)
-- column: distinct_attendees: Distinct attendee emails that day (case-insensitive)
-- column: with_transcript: Meetings with transcript_status 'available'
-- column: pending: Meetings whose transcript Meet is still generating
-- column: no_transcript: Meetings that took place without a transcript
-- column: no_conference: Meetings with no conference record the account may read
-- column: expired: Meetings older than Meet keeps conference records
-- column: unsupported: Meetings the Meet API refused to report on (e.g. personal accounts)
-- column: not_permitted: Meetings imported while the connection had no Meet access
-- column: failed: Meetings whose Meet requests failed for good
-- column: not_fetched: Meetings whose transcripts were not imported yet
-- column: transcript_coverage: with_transcript / meetings, rounded to 3 decimals
WITH per_day AS (
    SELECT
        partition_date,
        count(*) AS meetings,
        round(
            sum(date_diff('microsecond', start_time, end_time)) / 3600000000, 2
        )::DOUBLE AS meeting_hours,
        coalesce(sum(len(attendees)), 0)::BIGINT AS attendees,
        count(*) FILTER (WHERE transcript_status = 'available') AS with_transcript,
        count(*) FILTER (WHERE transcript_status = 'pending') AS pending,
        count(*) FILTER (WHERE transcript_status = 'no_transcript') AS no_transcript,
        count(*) FILTER (WHERE transcript_status = 'no_conference') AS no_conference,
        count(*) FILTER (WHERE transcript_status = 'expired') AS expired,
        count(*) FILTER (WHERE transcript_status = 'unsupported') AS unsupported,
        count(*) FILTER (WHERE transcript_status = 'not_permitted') AS not_permitted,
        count(*) FILTER (WHERE transcript_status = 'failed') AS failed,
        count(*) FILTER (WHERE transcript_status = 'not_fetched') AS not_fetched
    FROM meetings
    GROUP BY partition_date
),

day_attendee AS (
    SELECT DISTINCT
        partition_date,
        lower(unnest(attendees)) AS email
    FROM meetings
),

per_day_attendees AS (
    SELECT
        partition_date,
        count(email) AS distinct_attendees
    FROM day_attendee
    GROUP BY partition_date
)

SELECT
    d.partition_date,
    d.meetings,
    d.meeting_hours,
    d.attendees,
    coalesce(a.distinct_attendees, 0) AS distinct_attendees,
    d.with_transcript,
    d.pending,
    d.no_transcript,
    d.no_conference,
    d.expired,
    d.unsupported,
    d.not_permitted,
    d.failed,
    d.not_fetched,
    round(d.with_transcript / d.meetings, 3) AS transcript_coverage
FROM per_day AS d
LEFT JOIN per_day_attendees AS a ON d.partition_date = a.partition_date
ORDER BY d.partition_date
