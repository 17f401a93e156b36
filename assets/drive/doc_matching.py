"""Which of the Google Docs Meet wrote belong to a meeting Meet no longer keeps.

The Docs of a meeting: the ``docsDestination`` documents Meet named while it still
kept the meeting (stored by an earlier import), else the event's attachments that Meet wrote
for this meeting: a Google Doc named ``<title> – YYYY/MM/DD HH:MM <zone> – <kind>`` (EN DASH
separators, as Meet writes them; the ASCII ``<title> - ... - <kind>`` and the older
``<title> (YYYY-MM-DD HH:MM <zone>) - <kind>`` too) whose date is the meeting's. The kind word
is in the organizer's language (``Transcript``, ``Transkript``, ``Notes by Gemini``, ``Notizen
von Gemini``, ...). A Doc of Gemini notes counts only when no transcript Doc is attached.
Never any other attachment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

DOC_MIME_TYPE = "application/vnd.google-apps.document"
TRANSCRIPT_KIND, GEMINI_KIND = "Transcript", "Notes by Gemini"

# The kind word Meet ends a Doc's name with, by the organizer's language. Confirmed from real
# Doc names: en, de (Transkript, Notizen von Gemini), it (Trascrizione, Appunti di Gemini),
# pt (Transcrição, Anotações do Gemini), fr (Notes par Gemini), es (Notas de Gemini),
# ja (Gemini によるメモ). NOT confirmed (no real name found; Google's own words for the
# feature): fr "Transcription", es "Transcripción", ja "文字起こし", nl "Transcript" and
# "Notities van Gemini".
TRANSCRIPT_WORDS = {
    "en": "Transcript",
    "de": "Transkript",
    "fr": "Transcription",
    "es": "Transcripción",
    "it": "Trascrizione",
    "pt": "Transcrição",
    "nl": "Transcript",
    "ja": "文字起こし",
}
GEMINI_WORDS = {
    "en": "Notes by Gemini",
    "de": "Notizen von Gemini",
    "fr": "Notes par Gemini",
    "es": "Notas de Gemini",
    "it": "Appunti di Gemini",
    "pt": "Anotações do Gemini",
    "nl": "Notities van Gemini",
    "ja": "Gemini によるメモ",
}
KIND_OF_WORD = {
    **{word: GEMINI_KIND for word in GEMINI_WORDS.values()},
    **{word: TRANSCRIPT_KIND for word in TRANSCRIPT_WORDS.values()},
}
_SEP = r" [-\u2013] "  # " - " or " – " (EN DASH): Meet writes the dash, older names the hyphen
_ZONE = r"[^\s()\u2013]+"  # as Meet writes it: "UTC", "BST", "CEST", "GMT+08:00", "GMT-4"
# " – 2026/11/24 10:02 BST", or the older " (2023-05-02 10:00 GMT+2)"
_STAMP = (
    rf"(?:{_SEP}(?P<ymd>\d{{4}}/\d{{2}}/\d{{2}}) \d{{1,2}}:\d{{2}} {_ZONE}"
    r"| \((?P<iso>\d{4}-\d{2}-\d{2}) \d{1,2}:\d{2}[^()]*\))"
)
_KIND = (
    _SEP
    + "(?P<kind>"
    + "|".join(re.escape(w) for w in sorted(KIND_OF_WORD, key=len, reverse=True))
    + ")"
)

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
    """``TRANSCRIPT_KIND`` or ``GEMINI_KIND`` when ``name`` is Meet's name for a Doc of this
    meeting (its title or code, a date within a day of its start), whatever the language of
    its kind word; None otherwise."""
    if not isinstance(name, str):
        return None
    titles = [t for t in (meeting.title, meeting.conference_id) if t]
    for title in titles:
        pattern = re.escape(title) + _STAMP + _KIND
        found = re.fullmatch(pattern, name.strip())
        if found and _near(found.group("ymd") or found.group("iso"), meeting.start.date()):
            return KIND_OF_WORD[found.group("kind")]
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
