-- Rows imported before account_email existed were imported by the file's one connected
-- account: they take it when the file names exactly one. Otherwise they stay NULL (unknown).
UPDATE meet_meetings
SET
    account_email = (
        SELECT any_value(account_email) FROM meet_meetings
        WHERE account_email IS NOT NULL
    )
WHERE
    account_email IS NULL
    AND (
        SELECT count(DISTINCT account_email) FROM meet_meetings
    ) = 1;

UPDATE calendar_events
SET
    account_email = (
        SELECT any_value(account_email) FROM calendar_events
        WHERE account_email IS NOT NULL
    )
WHERE
    account_email IS NULL
    AND (
        SELECT count(DISTINCT account_email) FROM calendar_events
    ) = 1;
