-- depends_on: meetings
-- description: Per day: meetings, hours, attendees and meetings per transcript status.
-- One column per status (with_transcript counts 'available'); they add up to meetings.
-- Days without meetings are absent.
-- column: partition_date: The day (the meetings' partition)
-- column: meetings: Meet meetings that day
-- column: meeting_hours: Sum of the meetings' scheduled durations, in hours (2 decimals)
-- column: attendees: Sum of the meetings' attendee counts (one person in two meetings counts 2)
-- column: distinct_attendees: Distinct attendee emails that day (case-insensitive)
-- column: transcript_coverage: with_transcript / meetings, rounded to 3 decimals
WITH per_day AS (
    SELECT
        partition_date,
        count(*) AS meetings,
        round(
            sum(date_diff('microsecond', start_time, end_time)) / 3600000000, 2
        )::DOUBLE AS meeting_hours,
        coalesce(sum(len(attendees)), 0)::BIGINT AS attendees,
        $transcript_status_counts
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
    d.* EXCLUDE (partition_date, meetings, meeting_hours, attendees),  -- noqa: RF02
    round(d.with_transcript / d.meetings, 3) AS transcript_coverage
FROM per_day AS d
LEFT JOIN per_day_attendees AS a ON d.partition_date = a.partition_date
ORDER BY d.partition_date
