-- depends_on: meet_meetings
-- description: One row per Meet meeting and attendee (never a room): domain, is_internal, response.
-- The internal domain is the connected account's (account_email). Booked rooms are in
-- meet_meetings.rooms. Meetings without attendees have no rows here.
-- column: attendee_email: One attendee's email, as the calendar event lists it
-- column: attendee_domain: Lower-cased part of the email after its last '@'; NULL if none
-- column: is_internal: attendee_domain equals the internal domain; NULL if either is unknown
-- column: response_status: accepted, declined, tentative or needsAction; NULL for older imports
-- column: is_optional: Invited as optional; NULL for meetings imported before answers were kept
WITH attendee AS (
    SELECT
        event_id,
        partition_date,
        start_time,
        title,
        conference_id,
        account_email,
        unnest(attendee_responses) AS response
    FROM meet_meetings
),

answer AS (
    SELECT
        event_id,
        partition_date,
        start_time,
        title,
        conference_id,
        account_email,
        struct_extract(response, 'email') AS attendee_email,
        struct_extract(response, 'response_status') AS response_status,
        struct_extract(response, 'is_optional') AS is_optional
    FROM attendee
),

with_domains AS (
    SELECT
        *,
        nullif(lower(trim(regexp_extract(attendee_email, '@([^@]+)$', 1))), '')
            AS attendee_domain,
        nullif(lower(trim(regexp_extract(account_email, '@([^@]+)$', 1))), '')
            AS internal_domain
    FROM answer
    WHERE attendee_email IS NOT NULL AND trim(attendee_email) <> ''
)

SELECT
    event_id,
    partition_date,
    start_time,
    title,
    attendee_email,
    attendee_domain,
    attendee_domain = internal_domain AS is_internal,
    response_status,
    is_optional,
    conference_id
FROM with_domains
