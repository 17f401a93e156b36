"""Meet's transcript Google Docs, exported as text/plain, read back into speaker paragraphs.

Two layouts are read (README, "Transcript Docs"; tests/fixtures/transcript_docs/). Today's::

    Nov 24, 2026                           date line            } header: anything before the
    Sprint planning - Transcript           "<title> - Transcript" } first timestamp line
    00:00:00                               timestamp line: HH:MM:SS from the transcript's start
                                           blank line
    Ana Souza: Let's get started.          one paragraph per line: "Speaker: text"
    Bruno Lima: Quick update: it is done.  (the speaker is everything before the first ": ")
                                           blank lines
    00:01:12                               the next block; a speaker who talks across a
                                           timestamp is named again after it
    Bruno Lima: We're blocked on the API.
    Transcription ended after 00:44:51     end of the transcript
    This editable transcript was ...       footer: ignored

and the older (2024) one, whose first block has no timestamp line::

    Sprint planning - Transcript           title              } header: anything up to and
    Attendees                              "Attendees", then  } including the notice
    Ana Souza, Bruno Lima                  the names          }
    This editable transcript was ...       the notice         }
    Ana Souza: Let's get started.          the first block: no timestamp line, offset 0 (it
                                           starts with the transcript, like today's 00:00:00)
    00:05:00                               the next blocks, every five minutes
    Bruno Lima: We're blocked on the API.
    Meeting ended after 00:29:55 👋        end of the transcript

The title line's kind word is in the organizer's language (``Sprint planning - Transkript``).
A byte order mark and CRLF or LF line ends are accepted. With Gemini notes, the Doc starts with
the notes and the transcript follows a ``📖 Transcript`` heading; only what follows it is read.
A line inside the transcript that is none of the above is kept in ``unparsed_lines`` (the raw
text is stored anyway), never guessed at and never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assets.drive.doc_matching import TRANSCRIPT_WORDS

TIMESTAMP = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})$")
# Today's "Transcription ended after ..." and the older "Meeting ended after ... 👋".
ENDED = re.compile(
    r"^(?:Transcription|Meeting) ended after (\d{1,2}):(\d{2}):(\d{2})(?:\s*👋\ufe0f?)?$"
)
SPEAKER_LINE = re.compile(r"^([^:\s][^:]{0,99}?): (.*\S.*)$")
NOTICE = "This editable transcript was computer generated"
_WORDS = tuple(dict.fromkeys(TRANSCRIPT_WORDS.values()))
TITLE_SUFFIXES = tuple(f"{sep}{word}" for word in _WORDS for sep in (" - ", " \u2013 "))
GEMINI_HEADINGS = tuple(f"📖 {word}" for word in _WORDS)


@dataclass(frozen=True)
class DocParagraph:
    """One paragraph of a transcript Doc: who spoke, what, and the timestamp line above it."""

    speaker: str
    text: str
    offset_seconds: int | None


@dataclass
class ParsedDoc:
    """What a transcript Doc's text holds."""

    paragraphs: list[DocParagraph] = field(default_factory=list)
    title: str | None = None
    ended_after_seconds: int | None = None
    unparsed_lines: list[str] = field(default_factory=list)


def _seconds(match: re.Match[str]) -> int:
    hours, minutes, seconds = (int(g) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.lstrip("\ufeff").splitlines()]


def _transcript_start(lines: list[str]) -> tuple[int, int | None] | None:
    """Index of the line where the transcript's blocks begin (after the Gemini heading when
    there is one), and the offset of a first block without a timestamp line: the first
    timestamp line (today's layout), else the line after the notice (the older layout: offset
    0), else the line after ``<title> - Transcript`` (offset unknown)."""
    first = 0
    for index, line in enumerate(lines):
        if line in GEMINI_HEADINGS:
            first = index + 1
            break
    for index in range(first, len(lines)):
        if TIMESTAMP.match(lines[index]):
            return index, None
        if lines[index].startswith(NOTICE):
            return index + 1, 0
        if ENDED.match(lines[index]):
            break
    for index in range(first, len(lines)):
        if lines[index].endswith(TITLE_SUFFIXES):
            return index + 1, None
    return None


def _title(lines: list[str], start: int) -> str | None:
    """The title line's title without its kind word; in the older layout, the line above
    ``Attendees`` when it has no kind word."""
    header = lines[:start]
    for line in reversed(header):
        for suffix in TITLE_SUFFIXES:
            if line.endswith(suffix):
                return line[: -len(suffix)].strip() or None
    if "Attendees" in header:
        above = [line for line in header[: header.index("Attendees")] if line]
        return above[-1] if above else None
    return None


def parse_transcript_doc(text: str) -> ParsedDoc:
    """The paragraphs of a transcript Doc's text; never raises on unexpected lines."""
    lines = _lines(text)
    found = _transcript_start(lines)
    parsed = ParsedDoc()
    if found is None:
        return parsed
    start, offset = found
    parsed.title = _title(lines, start)
    for line in lines[start:]:
        if not line:
            continue
        if ended := ENDED.match(line):
            parsed.ended_after_seconds = _seconds(ended)
            break
        if stamp := TIMESTAMP.match(line):
            offset = _seconds(stamp)
        elif spoken := SPEAKER_LINE.match(line):
            speaker, words = spoken.group(1).strip(), " ".join(spoken.group(2).split())
            parsed.paragraphs.append(DocParagraph(speaker, words, offset))
        else:
            parsed.unparsed_lines.append(line)
    return parsed


def merge_paragraphs(paragraphs: list[DocParagraph]) -> list[DocParagraph]:
    """Consecutive paragraphs of one speaker as one (a timestamp line splits a speaker's turn
    in the Doc); each keeps the offset of its first part."""
    merged: list[DocParagraph] = []
    for paragraph in paragraphs:
        if merged and merged[-1].speaker == paragraph.speaker:
            last = merged[-1]
            merged[-1] = DocParagraph(
                last.speaker, f"{last.text} {paragraph.text}", last.offset_seconds
            )
        else:
            merged.append(paragraph)
    return merged
