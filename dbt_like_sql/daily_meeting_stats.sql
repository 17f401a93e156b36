-- depends_on: meetings
-- description: Per day: meetings held, hours, attendees and meetings per transcript status.
-- A meeting the connected account declined was not held: it counts in `declined` only.
-- One column per status (with_transcript counts 'available'); with `declined` they add up
-- to the day's meetings on the calendar. Days without meetings are absent.
-- column: partition_date: The day (the meetings' partition)
-- column: meetings: Meet meetings held that day (not declined by the account)
-- column: meeting_hours: Sum of the meetings' scheduled durations, in hours (2 decimals)
-- column: attendees: Sum of the meetings' attendee counts (one person in two meetings counts 2)
-- column: distinct_attendees: Distinct attendee emails that day (case-insensitive)
-- column: transcript_coverage: with_transcript / meetings, rounded to 3 decimals (NULL: none held)
WITH held_or_not AS (
    SELECT
        *,
        transcript_status <> 'declined' AS held
    FROM meetings
),

per_day AS (
    SELECT
        partition_date,
        count(*) FILTER (WHERE held) AS meetings,
        round(
            coalesce(
                sum(date_diff('microsecond', start_time, end_time)) FILTER (WHERE held), 0
            ) / 3600000000,
            2
        )::DOUBLE AS meeting_hours,
        coalesce(sum(len(attendees)) FILTER (WHERE held), 0)::BIGINT AS attendees,
        $transcript_status_counts
    FROM held_or_not
    GROUP BY partition_date
),

day_attendee AS (
    SELECT DISTINCT
        partition_date,
        lower(unnest(attendees)) AS email
    FROM held_or_not
    WHERE held
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
    round(d.with_transcript / nullif(d.meetings, 0), 3) AS transcript_coverage
FROM per_day AS d
LEFT JOIN per_day_attendees AS a ON d.partition_date = a.partition_date
ORDER BY d.partition_date
