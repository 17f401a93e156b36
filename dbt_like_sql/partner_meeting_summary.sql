-- depends_on: meeting_attendees, meetings
-- description: Per partner (external) domain: meetings, hours, first/last, transcript coverage.
-- A partner domain is an attendee domain other than the connected account's domain
-- (meeting_attendees.is_internal = false); rooms are never attendees. Only attendees who did
-- not decline count, in meetings the connected account did not decline. A meeting counts
-- once per partner domain however many of its attendees come from it.
-- column: partner_domain: An external attendee domain (lower-cased)
-- column: meetings: Meetings with at least one attendee from the domain who did not decline
-- column: meeting_hours: Sum of those meetings' scheduled durations, in hours (2 decimals)
-- column: first_meeting: Start of the domain's earliest meeting
-- column: last_meeting: Start of the domain's latest meeting
-- column: meetings_with_transcript: Those meetings with transcript_status 'available'
-- column: transcript_coverage: meetings_with_transcript / meetings, rounded to 3 decimals
-- column: attendees: Distinct emails of the domain that did not decline (case-insensitive)
WITH partner_attendee AS (
    SELECT
        attendee_domain AS partner_domain,
        event_id,
        partition_date,
        lower(attendee_email) AS email
    FROM meeting_attendees
    WHERE NOT is_internal AND response_status IS DISTINCT FROM 'declined'
),

partner_meeting AS (
    SELECT DISTINCT
        p.partner_domain,
        m.event_id,
        m.partition_date,
        m.start_time,
        m.end_time,
        m.transcript_status
    FROM partner_attendee AS p
    INNER JOIN meetings AS m
        ON p.event_id = m.event_id AND p.partition_date = m.partition_date
    WHERE m.transcript_status <> 'declined'
),

per_domain AS (
    SELECT
        partner_domain,
        count(*) AS meetings,
        round(
            sum(date_diff('microsecond', start_time, end_time)) / 3600000000, 2
        )::DOUBLE AS meeting_hours,
        min(start_time) AS first_meeting,
        max(start_time) AS last_meeting,
        count(*) FILTER (WHERE transcript_status = 'available') AS meetings_with_transcript
    FROM partner_meeting
    GROUP BY partner_domain
),

domain_attendees AS (
    SELECT
        partner_domain,
        count(DISTINCT email) AS attendees
    FROM partner_attendee
    GROUP BY partner_domain
)

SELECT
    d.partner_domain,
    d.meetings,
    d.meeting_hours,
    d.first_meeting,
    d.last_meeting,
    d.meetings_with_transcript,
    round(d.meetings_with_transcript / d.meetings, 3) AS transcript_coverage,
    a.attendees
FROM per_domain AS d
INNER JOIN domain_attendees AS a ON d.partner_domain = a.partner_domain
ORDER BY d.meetings DESC, d.partner_domain ASC
