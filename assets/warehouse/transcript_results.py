"""What a meeting's transcript import ends in: its status (one vocabulary for Python, tables
and SQL models), its source, and the transcript with its entries."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

AVAILABLE = "available"
PENDING = "pending"
NO_TRANSCRIPT = "no_transcript"
NO_CONFERENCE = "no_conference"
EXPIRED = "expired"
UNSUPPORTED = "unsupported"
NOT_PERMITTED = "not_permitted"
FAILED = "failed"
# The connected account declined the invitation: a meeting it did not hold, never asked of
# Meet or Drive, and not counted among the meetings held.
DECLINED = "declined"
STATUSES = (
    AVAILABLE,
    PENDING,
    NO_TRANSCRIPT,
    NO_CONFERENCE,
    EXPIRED,
    UNSUPPORTED,
    NOT_PERMITTED,
    FAILED,
    DECLINED,
)
# Statuses that a later run may still change: re-checked for a bounded number of days, as
# are available transcripts that are not final yet. 'unsupported' heals once the account's
# Meet access is fixed; 'not_permitted' needs a new consent (then a re-import).
RECHECK_STATUSES = (PENDING, NO_CONFERENCE, FAILED, UNSUPPORTED)
# The meetings model's status of a meeting Meet was not asked about yet (no transcripts row).
NOT_FETCHED = "not_fetched"
# Per status, what it means for a meeting: the descriptions of the columns that count them.
STATUS_MEANINGS = {
    AVAILABLE: "Meetings with transcript_status 'available'",
    PENDING: "Meetings whose transcript Meet is still generating",
    NO_TRANSCRIPT: "Meetings that took place without a transcript",
    NO_CONFERENCE: "Meetings with no conference record the account may read",
    EXPIRED: "Meetings older than Meet keeps conference records, without a readable Doc",
    UNSUPPORTED: "Meetings the Meet API refused to report on (e.g. personal accounts)",
    NOT_PERMITTED: "Meetings imported while the connection had no Meet access",
    FAILED: "Meetings whose Meet requests failed for good",
    DECLINED: "Meetings the connected account declined (not counted in meetings)",
    NOT_FETCHED: "Meetings whose transcripts were not imported yet",
}
# The column of a model that counts meetings of a status: its name, except for 'available'.
STATUS_COUNT_COLUMNS = {status: status for status in STATUS_MEANINGS} | {
    AVAILABLE: "with_transcript"
}
NOT_PERMITTED_DETAIL = "The connection has no Meet access: run meetsync connect to grant it"
DECLINED_DETAIL = "The connected account declined this meeting: Meet and Drive are not asked"
DECLINED_RESPONSE = "declined"  # Calendar's responseStatus of a declined invitation


# Where an available transcript came from: Meet's REST API (30 days), or the Google Doc Meet
# wrote (assets/drive/).
MEET_API = "meet_api"
DRIVE_DOC = "drive_doc"
SOURCES = (MEET_API, DRIVE_DOC)


@dataclass(slots=True)  # a year of history holds hundreds of thousands
class EntryRow:
    entry_name: str
    record_name: str
    transcript_name: str
    participant_name: str | None
    speaker: str
    text: str
    language_code: str | None
    start_time: datetime | None
    end_time: datetime | None
    offset_seconds: int | None = None  # Doc entries: the timestamp line above the paragraph


ENTRY_FIELDS = tuple(f.name for f in fields(EntryRow))


@dataclass
class MeetingTranscript:
    status: str
    entries: list[EntryRow] = field(default_factory=list)
    transcript_names: list[str] = field(default_factory=list)
    detail: str | None = None
    final: bool | None = None  # for an available transcript: may its text still change?
    source: str | None = None  # MEET_API or DRIVE_DOC when available
    doc_ids: list[str] = field(default_factory=list)  # the transcripts' Google Docs
    doc_texts: list[str] = field(default_factory=list)  # the exported Docs (DRIVE_DOC)

    @property
    def text(self) -> str:
        """One ``Speaker: utterance`` line per entry, in time order."""
        return "\n".join(f"{e.speaker}: {e.text}" for e in self.entries)
