-- depends_on: meet_meetings
-- description: One row per Meet meeting and attendee, with the attendee's domain and is_internal.
-- attendee_domain is the lower-cased part of the email after its last '@' (NULL if it has none).
-- The internal domain of a meeting is the domain of its organizer_email: is_internal is true when
-- the attendee's domain equals it, NULL when either domain is unknown. Meetings without
-- attendees have no rows here.
CREATE OR REPLACE VIEW meeting_attendees AS
WITH attendee AS (
    SELECT
        event_id,
        partition_date,
        start_time,
        title,
        conference_id,
        organizer_email,
        unnest(attendees) AS attendee_email
    FROM meet_meetings
),

with_domains AS (
    SELECT
        *,
        nullif(lower(trim(regexp_extract(attendee_email, '@([^@]+)$', 1))), '')
            AS attendee_domain,
        nullif(lower(trim(regexp_extract(organizer_email, '@([^@]+)$', 1))), '')
            AS organizer_domain
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
    attendee_domain = organizer_domain AS is_internal,
    conference_id
FROM with_domains
