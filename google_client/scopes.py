"""The scopes meetsync asks Google for, as the user sees them on the consent page."""

from __future__ import annotations

from dataclasses import dataclass

CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"
MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.readonly"


@dataclass(frozen=True)
class Permission:
    """A scope meetsync asks for, as the user sees it on Google's consent page."""

    scope: str
    name: str  # "Calendar access": what the user grants, in the advice to connect again
    without: str = ""  # for an optional scope: what meetsync cannot do without it


# Google's consent page lets the user untick any scope. Calendar is required: without it
# there is nothing to import. The optional ones are asked for too, and the connection
# records which scopes Google granted; the assets make no call that a missing one forbids.
REQUIRED_PERMISSIONS = (Permission(CALENDAR_SCOPE, "Calendar access"),)
# The Google Docs Meet wrote: transcripts of meetings older than Meet's 30 days.
DRIVE_MEET_SCOPE = "https://www.googleapis.com/auth/drive.meet.readonly"
OPTIONAL_PERMISSIONS = (
    Permission(MEET_SCOPE, "Meet access", "transcripts not permitted"),
    Permission(
        DRIVE_MEET_SCOPE, "Drive access", "transcripts older than 30 days need Drive access"
    ),
)
SCOPES = tuple(p.scope for p in REQUIRED_PERMISSIONS + OPTIONAL_PERMISSIONS)
