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
STATUSES = (
    AVAILABLE,
    PENDING,
    NO_TRANSCRIPT,
    NO_CONFERENCE,
    EXPIRED,
    UNSUPPORTED,
    NOT_PERMITTED,
    FAILED,
)
# Statuses that a later run may still change: re-checked for a bounded number of days, as
# are available transcripts that are not final yet. 'unsupported' heals once the account's
# Meet access is fixed; 'not_permitted' needs a new consent (then a re-import).
RECHECK_STATUSES = (PENDING, NO_CONFERENCE, FAILED, UNSUPPORTED)
NOT_PERMITTED_DETAIL = "The connection has no Meet access: run meetsync connect to grant it"

# Where an available transcript came from: Meet's REST API (30 days), or the Google Doc Meet
# wrote (assets/doc_transcripts.py).
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
