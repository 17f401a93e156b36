"""Which of the Google Docs Meet wrote belong to a meeting Meet no longer keeps.

The Docs of a meeting: the ``docsDestination`` documents Meet named while it still
kept the meeting (stored by an earlier import), else the event's attachments that Meet wrote
for this meeting: a Google Doc named ``<title> - YYYY/MM/DD HH:MM <zone> - Transcript`` (or the
older ``<title> (YYYY-MM-DD HH:MM <zone>) - Transcript``) whose date is the meeting's. A Doc of
Gemini notes (``... - Notes by Gemini``) counts only when no transcript Doc is attached.
Never any other attachment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

DOC_MIME_TYPE = "application/vnd.google-apps.document"
TRANSCRIPT_KIND, GEMINI_KIND = "Transcript", "Notes by Gemini"
_STAMP = (
    r"(?: - (?P<ymd>\d{4}/\d{2}/\d{2}) \d{1,2}:\d{2} [^()]+"  # today: " - 2026/11/24 10:02 UTC"
    r"| \((?P<iso>\d{4}-\d{2}-\d{2}) \d{1,2}:\d{2}[^()]*\))"  # older: " (2023-05-02 10:00 GMT+2)"
)
_KIND = r" - (?P<kind>Transcript|Notes by Gemini)"

# Why a meeting Meet no longer keeps has no transcript (transcripts.status_detail).
NO_DRIVE_PERMISSION = (
    "Meet keeps transcripts 30 days; reading the Google Doc Meet wrote needs the Drive "
    "permission (run meetsync connect and allow it)"
)
NO_DOC = "Meet keeps transcripts 30 days, and no transcript Doc is known for this meeting"


@dataclass(frozen=True)
class DocMeeting:
    """What identifies a meeting's Docs: its event, title, code, start and attachments, and
    the docsDestination documents an earlier import stored."""

    event_id: str
    title: str | None
    conference_id: str | None
    start: datetime
    attachments: tuple[dict, ...] = ()
    stored_doc_ids: tuple[str, ...] = ()


@dataclass
class FetchedDoc:
    """One Doc as Drive answered: its text, or why not (``not_shared``, ``deleted``,
    ``not_permitted`` or ``failed``) and the detail."""

    doc_id: str
    text: str | None = None
    problem: str | None = None
    detail: str | None = None


@dataclass
class MeetingDocs:
    """The Docs asked for one meeting (``doc_ids``) and what Drive gave."""

    event_id: str
    doc_ids: list[str] = field(default_factory=list)
    fetched: list[FetchedDoc] = field(default_factory=list)
    requests: int = 0  # Drive requests spent on them


def meet_doc_kind(name: object, meeting: DocMeeting) -> str | None:
    """``Transcript`` or ``Notes by Gemini`` when ``name`` is Meet's name for a Doc of this
    meeting (its title or code, a date within a day of its start); None otherwise."""
    if not isinstance(name, str):
        return None
    titles = [t for t in (meeting.title, meeting.conference_id) if t]
    for title in titles:
        found = re.fullmatch(re.escape(title) + _STAMP + _KIND, name.strip())
        if found and _near(found.group("ymd") or found.group("iso"), meeting.start.date()):
            return found.group("kind")
    return None


def _near(text: str, day: date) -> bool:
    try:
        named = date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return False
    return abs(named - day) <= timedelta(days=1)


def attachment_doc_ids(meeting: DocMeeting) -> list[str]:
    """The attached Docs Meet wrote for this meeting: transcript Docs, else Gemini notes."""
    by_kind: dict[str, list[str]] = {TRANSCRIPT_KIND: [], GEMINI_KIND: []}
    for attachment in meeting.attachments:
        file_id = attachment.get("file_id")
        if not isinstance(file_id, str) or not file_id:
            continue
        if attachment.get("mime_type") != DOC_MIME_TYPE:
            continue
        kind = meet_doc_kind(attachment.get("title"), meeting)
        if kind and file_id not in by_kind[kind]:
            by_kind[kind].append(file_id)
    return by_kind[TRANSCRIPT_KIND] or by_kind[GEMINI_KIND]


def unnamed_attachment_ids(meeting: DocMeeting) -> list[str]:
    """Attached Drive files whose title or MIME type the event does not give: only Drive can
    tell whether Meet wrote them for this meeting."""
    return [
        a["file_id"]
        for a in meeting.attachments
        if isinstance(a.get("file_id"), str)
        and a["file_id"]
        and (not a.get("title") or not a.get("mime_type"))
    ]


def doc_ids_of(meeting: DocMeeting) -> list[str]:
    """The Docs to export for a meeting: docsDestination first, else its attachments."""
    stored = list(dict.fromkeys(d for d in meeting.stored_doc_ids if isinstance(d, str) and d))
    return stored or attachment_doc_ids(meeting)
