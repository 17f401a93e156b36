"""The Google Docs Meet writes for transcripts, as Drive v3 serves them.

When a transcript's file is generated, Meet writes a Google Doc into the organizer's
"Meet Recordings" folder, names it ``<title> – YYYY/MM/DD HH:MM <zone> – Transcript`` (EN DASH
separators; the meeting's start in the organizer's time zone, the zone as Meet writes it:
``UTC``, ``BST``, ``CEST``, ``GMT+08:00``; the kind word in the organizer's language:
``Transkript``, ``Notizen von Gemini``, ...), attaches it to the Calendar event and names it in
the Meet transcript's ``docsDestination.document``. Exported as ``text/plain`` (UTF-8 with a
byte order mark, CRLF line ends) the Doc reads::

    Nov 24, 2026
    Sprint planning - Transcript
    00:00:00

    Ana Souza: Let's get started, thanks everyone for joining.
    Bruno Lima: Quick update from my side: the migration is about eighty percent done.


    00:01:12

    Bruno Lima: We're blocked on the API credentials from the vendor.
    ...


    Transcription ended after 00:44:51

    This editable transcript was computer generated and might contain errors. People can also
    change the text after it was created.

A timestamp line opens a block about every minute; inside a block, consecutive utterances of
one speaker are one paragraph, and a speaker who talks across a timestamp is named again after
it. With Gemini notes on, the notes come first and the transcript follows a ``📖 Transcript``
heading, in a Doc named ``... – Notes by Gemini``. Some Docs of meetings Meet no longer keeps are
in the older (2024) layout: the title line, ``Attendees`` and the names, the notice, then speech
whose first block has no timestamp line (the next are five minutes apart), ending ``Meeting
ended after HH:MM:SS 👋``. Only the name's kind word and the title line's are in the organizer's
language: Meet's other lines in other languages are not known here, so they stay English.
A Doc file's private keys besides those Drive reads (``_text``, ``_access``, ``_meet_written``):
``_language`` and ``_layout`` (``current`` or ``2024``), for tests.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from emulator.data.account import Workspace, meet_code_of
from emulator.data.builders import Person
from emulator.wire.timefmt import calendar_stamp, parse_rfc3339
from emulator.wire.timefmt import zone as zone_of

DOC_MIME_TYPE = "application/vnd.google-apps.document"
FOLDER_MIME_TYPE = "application/vnd.google-apps.folder"
BLOCK_SECONDS = 60  # a new timestamp line once this much time has passed since the last one
FOOTER = (
    "This editable transcript was computer generated and might contain errors. "
    "People can also change the text after it was created."
)
GEMINI_HEADING = "📖 Transcript"
ICON = "https://drive-thirdparty.googleusercontent.com/16/type/{mime}"

# Who may read a Doc: shared with the account, not shared (403) or deleted (404).
SHARED, NOT_SHARED, DELETED = "shared", "not_shared", "deleted"


@dataclass(frozen=True)
class Utterance:
    """One transcript entry as the Doc shows it: seconds from the transcript's start."""

    offset_seconds: float
    speaker: str
    text: str


def permission_id(email: str) -> str:
    """A stable, numeric Drive permission id for a user."""
    return str(int(hashlib.sha256(email.encode()).hexdigest(), 16) % 10**20).zfill(20)


def clock(seconds: float) -> str:
    """``HH:MM:SS`` of a whole number of seconds."""
    whole = max(int(seconds), 0)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def date_line(moment: datetime, zone: tzinfo) -> str:
    """``Nov 4, 2026``: the Doc's first line."""
    local = moment.astimezone(zone)
    return f"{local:%b} {local.day}, {local.year}"


# The kind word of a Doc's name (and title line) by the organizer's language. Which words are
# confirmed from real Docs, and which are not: assets/drive/doc_matching.py (the emulator
# stands for Google, so it keeps its own copy).
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
LANGUAGES = tuple(TRANSCRIPT_WORDS)  # English first
OLDER_BLOCK_SECONDS = 300  # the 2024 layout: a timestamp line every five minutes
CURRENT, OLDER = "current", "2024"


def zone_name(local: datetime) -> str:
    """The zone as Meet writes it in a name: its abbreviation (``UTC``, ``BST``, ``CEST``), or
    ``GMT+08:00`` for a zone that has none."""
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    minutes = int((local.utcoffset() or timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"GMT{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def doc_name(title: str, started: datetime, zone: tzinfo, kind: str = "Transcript") -> str:
    """Meet's file name: ``<title> – 2026/11/24 10:02 UTC – Transcript`` (EN DASHES)."""
    local = started.astimezone(zone)
    return f"{title} \u2013 {local:%Y/%m/%d %H:%M} {zone_name(local)} \u2013 {kind}"


def _blocks(lines: list[Utterance], opens) -> list[tuple[int, list[list[str]]]]:
    """Timestamped blocks of paragraphs; ``opens(last_stamp, offset)`` gives the stamp of a new
    block starting at ``offset``, or None to stay in the last one."""
    blocks: list[tuple[int, list[list[str]]]] = []
    for line in lines:
        stamp = 0 if not blocks else opens(blocks[-1][0], line.offset_seconds)
        if stamp is not None:
            blocks.append((stamp, []))
        paragraphs = blocks[-1][1]
        if paragraphs and paragraphs[-1][0] == line.speaker:
            paragraphs[-1][1] += " " + line.text
        else:
            paragraphs.append([line.speaker, line.text])
    return blocks


def _every_minute(last: int, offset: float) -> int | None:
    return int(offset) if offset - last >= BLOCK_SECONDS else None


def _every_five_minutes(last: int, offset: float) -> int | None:
    mark = int(offset) // OLDER_BLOCK_SECONDS * OLDER_BLOCK_SECONDS
    return mark if mark > last else None


def transcript_body(
    title: str,
    started: datetime,
    zone: tzinfo,
    lines: list[Utterance],
    duration: float,
    word: str = "Transcript",
) -> list[str]:
    """The transcript's lines: date, title, timestamped blocks of paragraphs, closing lines."""
    out = [date_line(started, zone), f"{title} - {word}"]
    for stamp, paragraphs in _blocks(lines, _every_minute):
        out += [clock(stamp), "", *(f"{speaker}: {text}" for speaker, text in paragraphs), "", ""]
    out += [f"Transcription ended after {clock(duration)}", "", FOOTER]
    return out


def older_transcript_body(
    title: str, attendees: list[str], lines: list[Utterance], duration: float, word: str
) -> list[str]:
    """The 2024 layout: title, attendees, the notice, a first block without a timestamp line,
    then blocks every five minutes, and ``Meeting ended after ... 👋``."""
    out = [f"{title} - {word}", "Attendees", ", ".join(attendees), FOOTER]
    for index, (stamp, paragraphs) in enumerate(_blocks(lines, _every_five_minutes)):
        if index or stamp:
            out += ["", clock(stamp)]
        out += [f"{speaker}: {text}" for speaker, text in paragraphs]
    out += [f"Meeting ended after {clock(duration)} 👋"]
    return out


def gemini_notes(title: str, started: datetime, zone: tzinfo, invited: list[Person]) -> list[str]:
    """The notes Gemini writes above the transcript."""
    names = " ".join(p.name for p in invited)
    return [
        "📝 Notes",
        date_line(started, zone),
        f"{title}",
        f"Invited {names}",
        "Attachments " + title,
        "Meeting records Transcript ",
        "",
        "Summary",
        "The participants reviewed progress, open risks and the next steps.",
        "",
        "Next steps",
        "- [Ana Souza] Notes: Share the notes with the team.",
        "",
        "You should review Gemini's notes to make sure they're accurate.",
        "",
        GEMINI_HEADING,
    ]


def export_text(lines: list[str]) -> str:
    """What ``files.export(mimeType='text/plain')`` returns: BOM, CRLF line ends."""
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def build_doc_file(
    file_id: str,
    name: str,
    owner: Person,
    account_email: str,
    created: datetime,
    folder_id: str | None,
) -> dict[str, Any]:
    """A Drive v3 File resource for a Meet-written Google Doc."""
    mine = owner.email == account_email
    user = {
        "kind": "drive#user",
        "displayName": owner.name,
        "me": mine,
        "permissionId": permission_id(owner.email),
        "emailAddress": owner.email,
    }
    file: dict[str, Any] = {
        "kind": "drive#file",
        "id": file_id,
        "name": name,
        "mimeType": DOC_MIME_TYPE,
        "starred": False,
        "trashed": False,
        "explicitlyTrashed": False,
    }
    if mine and folder_id:
        file["parents"] = [folder_id]
    file.update(
        {
            "spaces": ["drive"],
            "version": "4",
            "webViewLink": f"https://docs.google.com/document/d/{file_id}/edit?usp=drivesdk",
            "iconLink": ICON.format(mime=DOC_MIME_TYPE),
            "hasThumbnail": True,
            "thumbnailVersion": "1",
            "viewedByMe": mine,
            "createdTime": calendar_stamp(created),
            "modifiedTime": calendar_stamp(created + timedelta(seconds=3)),
            "owners": [user],
            "lastModifyingUser": user,
            "shared": True,
            "ownedByMe": mine,
            "viewersCanCopyContent": True,
            "copyRequiresWriterPermission": False,
            "writersCanShare": True,
            "quotaBytesUsed": "0",
            "isAppAuthorized": False,
            "exportLinks": {
                mime: f"https://docs.google.com/feeds/download/documents/export/Export?id={file_id}&exportFormat={ext}"
                for mime, ext in EXPORT_FORMATS.items()
            },
        }
    )
    return file


EXPORT_FORMATS = {
    "text/plain": "txt",
    "text/markdown": "md",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


def build_folder(folder_id: str, owner: Person, created: datetime) -> dict[str, Any]:
    """The organizer's "Meet Recordings" folder."""
    return {
        "kind": "drive#file",
        "id": folder_id,
        "name": "Meet Recordings",
        "mimeType": FOLDER_MIME_TYPE,
        "createdTime": calendar_stamp(created),
        "owners": [
            {
                "kind": "drive#user",
                "displayName": owner.name,
                "me": True,
                "emailAddress": owner.email,
            }
        ],
        "ownedByMe": True,
        "_meet_written": True,  # Meet creates it with the first recording or transcript
    }


def attachment(file_id: str, title: str, mime_type: str = DOC_MIME_TYPE) -> dict[str, str]:
    """A Calendar event attachment (EventAttachment) for a Drive file."""
    if mime_type == DOC_MIME_TYPE:
        url = f"https://docs.google.com/document/d/{file_id}/edit?usp=meet_tnfm_calendar"
    else:
        url = f"https://drive.google.com/open?id={file_id}"
    return {
        "fileUrl": url,
        "title": title,
        "mimeType": mime_type,
        "iconLink": ICON.format(mime=mime_type),
        "fileId": file_id,
    }


# ----- a workspace's Docs ----------------------------------------------------------------------
NOT_SHARED_RATE = 0.10  # of Docs another organizer owns: not shared with the account
DELETED_RATE = 0.04
GEMINI_RATE = 0.10
OLDER_LAYOUT_EVERY = 3  # of the transcript Docs of meetings Meet no longer keeps
AGENDA_RATE = 0.25  # Meet events with a Google Doc agenda attached (not written by Meet)
RECORDING_RATE = 0.10  # Meet events whose recording (video/mp4, written by Meet) is attached
DOC_SCENARIOS = ("doc_not_shared", "doc_deleted", "gemini_notes", "agenda_attachment")


def write_transcript_docs(
    ws: Workspace, rng: random.Random, designated: set[str] = frozenset()
) -> None:
    """Write the Doc of every generated (FILE_GENERATED) transcript into ``ws.drive_files``
    and attach it to its event, with a share of unreadable Docs, Gemini notes and attachments
    that are not transcripts. ``designated`` events (kept simple for tests) get plain Docs.
    Names are in the organizer's language, and every ``OLDER_LAYOUT_EVERY``-th transcript Doc
    of a meeting Meet no longer keeps is in the 2024 layout."""
    me = Person(ws.account_email, ws.account_name)
    languages = organizer_languages(ws)
    older = 0
    folder_id = "1" + _file_id(rng, 32)
    ws.drive_files[folder_id] = build_folder(folder_id, me, ws.now - timedelta(days=400))
    by_name = {r["name"]: r for r in ws.conference_records}
    zone = _zone(ws.calendar_timezone)
    tags: dict[str, list[str]] = {name: [] for name in DOC_SCENARIOS}
    for event in sorted(ws.events, key=_start_key, reverse=True):
        records = [by_name[n] for n in ws.event_records.get(event["id"], []) if n in by_name]
        docs = [
            _doc_of(ws, event, record, transcript, zone)
            for record in records
            for transcript in ws.transcripts.get(record["name"], [])
            if transcript.get("state") == "FILE_GENERATED"
        ]
        special = event["id"] not in designated
        for doc in docs:
            doc.language = languages.get(doc.organizer.email, "en")
            if special and any(ws.record_expired(r) for r in records):
                older += 1
                doc.older_layout = older % OLDER_LAYOUT_EVERY == 1
            _place(ws, event, doc, rng, tags, folder_id, me, special)
        if records and special:
            _distractors(ws, event, rng, tags, zone)
    for name, event_ids in tags.items():
        ws.scenarios.setdefault(name, []).extend(event_ids)
    ws.touch()


def organizer_languages(ws: Workspace) -> dict[str, str]:
    """The language Meet writes each organizer's Docs in: the account's English; of the other
    organizers (by email), every second another language, in turn. Draws no random number,
    so the rest of the workspace is as without languages."""
    emails = {(e.get("organizer") or {}).get("email") for e in ws.events}
    others = sorted(e for e in emails if isinstance(e, str) and e and e != ws.account_email)
    return {
        email: LANGUAGES[1 + index // 2 % (len(LANGUAGES) - 1)] if index % 2 else "en"
        for index, email in enumerate(others)
    }


@dataclass
class _Doc:
    file_id: str
    title: str
    started: datetime
    ended: datetime
    lines: list[Utterance]
    organizer: Person
    invited: list[Person]
    attendees: list[str]
    language: str = "en"
    older_layout: bool = False


def _doc_of(ws: Workspace, event: dict, record: dict, transcript: dict, zone: tzinfo) -> _Doc:
    names = {p["name"]: _display_name(p) for p in ws.participants.get(record["name"], [])}
    started = parse_rfc3339(transcript["startTime"])
    ended = parse_rfc3339(transcript.get("endTime") or transcript["startTime"])
    lines = [
        Utterance(
            (parse_rfc3339(e["startTime"]) - started).total_seconds(),
            names.get(e.get("participant")) or "Unknown speaker",
            " ".join(str(e.get("text", "")).split()),
        )
        for e in ws.entries.get(transcript["name"], [])
    ]
    organizer = event.get("organizer") or {}
    invited = [
        Person(a.get("email", ""), a.get("displayName") or a.get("email", ""))
        for a in event.get("attendees", [])
    ]
    return _Doc(
        transcript["docsDestination"]["document"],
        event.get("summary") or meet_code_of(event) or "Meeting",
        started,
        ended,
        lines,
        Person(organizer.get("email", ""), organizer.get("displayName") or ""),
        invited,
        [name for name in names.values() if name],
    )


def _place(
    ws: Workspace,
    event: dict,
    doc: _Doc,
    rng: random.Random,
    tags: dict[str, list[str]],
    folder_id: str,
    me: Person,
    special: bool,
) -> None:
    zone = _zone(ws.calendar_timezone)
    duration = (doc.ended - doc.started).total_seconds()
    word = TRANSCRIPT_WORDS[doc.language]
    body = transcript_body(doc.title, doc.started, zone, doc.lines, duration, word)
    access, kind = SHARED, "Transcript"
    if special:
        theirs = doc.organizer.email != ws.account_email
        access, kind = _variety(rng, tags, event["id"], theirs)
    layout = OLDER if doc.older_layout and kind == "Transcript" else CURRENT
    if layout == OLDER:
        body = older_transcript_body(doc.title, doc.attendees, doc.lines, duration, word)
    if kind == "Notes by Gemini":
        body = gemini_notes(doc.title, doc.started, zone, doc.invited) + body
    words = GEMINI_WORDS if kind == "Notes by Gemini" else TRANSCRIPT_WORDS
    name = doc_name(doc.title, doc.started, zone, words[doc.language])
    created = doc.ended + timedelta(minutes=2, seconds=rng.randint(0, 90))
    file = build_doc_file(doc.file_id, name, doc.organizer, ws.account_email, created, folder_id)
    file.update({"_text": export_text(body), "_access": access, "_meet_written": True})
    file.update({"_language": doc.language, "_layout": layout})
    ws.drive_files[doc.file_id] = file
    event.setdefault("attachments", []).append(attachment(doc.file_id, name))


def _variety(
    rng: random.Random, tags: dict[str, list[str]], event_id: str, theirs: bool
) -> tuple[str, str]:
    """The access and kind of one Doc: each variety at least once (newest meetings first),
    then at random."""
    if theirs and (not tags["doc_not_shared"] or rng.random() < NOT_SHARED_RATE):
        tags["doc_not_shared"].append(event_id)
        return NOT_SHARED, "Transcript"
    if not tags["doc_deleted"] or rng.random() < DELETED_RATE:
        tags["doc_deleted"].append(event_id)
        return DELETED, "Transcript"
    if not tags["gemini_notes"] or rng.random() < GEMINI_RATE:
        tags["gemini_notes"].append(event_id)
        return SHARED, "Notes by Gemini"
    return SHARED, "Transcript"


def _distractors(
    ws: Workspace, event: dict, rng: random.Random, tags: dict[str, list[str]], zone: tzinfo
) -> None:
    """Attachments that are not the transcript: an agenda Doc, Meet's recording."""
    title = event.get("summary") or "Meeting"
    if not tags["agenda_attachment"] or rng.random() < AGENDA_RATE:
        tags["agenda_attachment"].append(event["id"])
        agenda_id = "1" + _file_id(rng, 43)
        created = parse_rfc3339(event["created"])
        agenda = build_doc_file(
            agenda_id,
            f"{title} - Agenda",  # a person's name for it, not Meet's
            Person(ws.account_email, ws.account_name),
            ws.account_email,
            created,
            None,
        )
        agenda.update({"_text": export_text([f"{title} - Agenda", "1. Status"]), "_access": SHARED})
        ws.drive_files[agenda_id] = agenda
        event.setdefault("attachments", []).insert(0, attachment(agenda_id, agenda["name"]))
    if event.get("attachments") and rng.random() < RECORDING_RATE:
        start = parse_rfc3339(event["start"]["dateTime"])
        video_id = "1" + _file_id(rng, 32)
        name = doc_name(title, start, zone, "Recording")
        video = build_doc_file(video_id, name, _me(ws), ws.account_email, start, None)
        video.update({"mimeType": VIDEO_MIME_TYPE, "_access": SHARED, "_meet_written": True})
        video.pop("exportLinks")
        ws.drive_files[video_id] = video
        event["attachments"].append(attachment(video_id, name, VIDEO_MIME_TYPE))


VIDEO_MIME_TYPE = "video/mp4"
_ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def _file_id(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_ID_CHARS) for _ in range(length))


def _me(ws: Workspace) -> Person:
    return Person(ws.account_email, ws.account_name)


def _display_name(participant: dict) -> str | None:
    for kind in ("signedinUser", "anonymousUser", "phoneUser"):
        if kind in participant:
            return participant[kind].get("displayName")
    return None


def _start_key(event: dict) -> str:
    start = event.get("start") or {}
    return str(start.get("dateTime") or start.get("date") or "")


def _zone(name: str) -> tzinfo:
    return zone_of(name)
