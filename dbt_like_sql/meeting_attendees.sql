-- depends_on: meet_meetings
-- description: One row per Meet meeting and attendee, with the attendee's domain and is_internal.
-- The internal domain is the connected account's (account_email), or for rows imported before
-- that column existed, the organizer's. Meetings without attendees have no rows here.
-- column: attendee_email: One attendee's email, as the calendar event lists it
-- column: attendee_domain: Lower-cased part of the email after its last '@'; NULL if none
-- column: is_internal: attendee_domain equals the internal domain; NULL if either is unknown
CREATE OR REPLACE VIEW meeting_attendees AS
WITH attendee AS (
    SELECT
        event_id,
        partition_date,
        start_time,
        title,
        conference_id,
        coalesce(account_email, organizer_email) AS internal_email,
        unnest(attendees) AS attendee_email
    FROM meet_meetings
),

with_domains AS (
    SELECT
        *,
        nullif(lower(trim(regexp_extract(attendee_email, '@([^@]+)$', 1))), '')
            AS attendee_domain,
        nullif(lower(trim(regexp_extract(internal_email, '@([^@]+)$', 1))), '')
            AS internal_domain
    FROM attendee
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
    conference_id
FROM with_domains
