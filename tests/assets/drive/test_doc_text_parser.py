"""The transcript Doc parser, on fixtures that spell out the layouts it assumes.

tests/fixtures/transcript_docs/
- meet_transcript.txt: Meet's layout today. A date line, ``<title> - Transcript``, then blocks:
  an ``HH:MM:SS`` line, a blank line, ``Speaker: text`` lines (one per paragraph), two blank
  lines. A speaker who talks across a timestamp is named again after it. It ends with
  ``Transcription ended after HH:MM:SS``, a blank line and the "computer generated" footer.
  One line inside (``[Bruno joined late]``) fits no rule: it is reported, not guessed at.
- gemini_notes.txt: the same transcript under Gemini's notes and a ``📖 Transcript`` heading;
  nothing before the heading is read, even a line that looks like speech.
- older_layout.txt: Meet's older (2024) layout. The title line, ``Attendees`` and the names, the
  "computer generated" notice, then speech whose first block has no timestamp line (the first
  is ``00:05:00``), ending ``Meeting ended after 00:29:55 👋``. The title keeps its own hyphen.
- pt_transcript.txt: today's layout from a Portuguese-speaking organizer: the title line's
  kind word is ``Transcrição``. Meet's Portuguese closing lines are not known here (no real
  Doc was found), so the fixture has none: the parser reads to the end.
Google exports with a byte order mark and CRLF line ends; the fixtures use LF and each test
also reads them as Google sends them.
"""

from __future__ import annotations

import pytest

from assets.drive.doc_text_parser import (
    DocParagraph,
    merge_paragraphs,
    parse_transcript_doc,
)
from tests.helpers import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "transcript_docs"


def _as_google_sends(text: str) -> str:
    return "\ufeff" + text.replace("\n", "\r\n")


@pytest.fixture(params=["lf", "google"])
def read(request):
    def load(name: str) -> str:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        return _as_google_sends(text) if request.param == "google" else text

    return load


def test_meet_layout_paragraphs_offsets_and_end(read) -> None:
    parsed = parse_transcript_doc(read("meet_transcript.txt"))
    assert parsed.title == "Design review: checkout flow"
    assert parsed.paragraphs == [
        DocParagraph("Ana Souza", "Hi everyone, shall we kick off?", 0),
        DocParagraph(
            "Bruno Lima",
            "Quick update from my side: the migration is about eighty percent done.",
            0,
        ),
        DocParagraph("Zoë Ångström", "Ça marche, Zoë ! On valide la maquette 👍", 0),
        DocParagraph("Zoë Ångström", "会議の議事録は後で共有します。", 72),
        DocParagraph("Bruno Lima", "We're blocked on the API credentials from the vendor.", 72),
        DocParagraph("Bruno Lima", "Let's take that offline.", 160),
        DocParagraph("+1 402-***-**87", "Can you hear me?", 160),
    ]
    assert parsed.ended_after_seconds == 185
    assert parsed.unparsed_lines == ["[Bruno joined late]"]


def test_a_turn_split_by_a_timestamp_is_one_after_merging(read) -> None:
    merged = merge_paragraphs(parse_transcript_doc(read("meet_transcript.txt")).paragraphs)
    assert [(p.speaker, p.offset_seconds) for p in merged] == [
        ("Ana Souza", 0),
        ("Bruno Lima", 0),
        ("Zoë Ångström", 0),
        ("Bruno Lima", 72),
        ("+1 402-***-**87", 160),
    ]
    assert (
        merged[2].text == "Ça marche, Zoë ! On valide la maquette 👍 会議の議事録は後で共有します。"
    )
    assert merged[3].text.endswith("vendor. Let's take that offline.")


def test_gemini_notes_are_skipped_up_to_the_transcript_heading(read) -> None:
    parsed = parse_transcript_doc(read("gemini_notes.txt"))
    assert [(p.speaker, p.text) for p in parsed.paragraphs] == [
        ("Ana Souza", "Hi everyone, shall we kick off?"),
        ("Bruno Lima", "Sounds good."),
    ]
    assert parsed.title == "Design review: checkout flow"
    assert (parsed.ended_after_seconds, parsed.unparsed_lines) == (41, [])


def test_older_layout_reads_its_untimed_first_block(read) -> None:
    parsed = parse_transcript_doc(read("older_layout.txt"))
    assert parsed.title == "Acme - MANCo Meeting"
    assert parsed.paragraphs == [
        DocParagraph("Ana Souza", "Hi everyone, shall we kick off?", 0),
        DocParagraph(
            "Bruno Lima",
            "Sounds good. Quick update from my side: the migration is about eighty percent done.",
            0,
        ),
        DocParagraph("Zoë Ångström", "Ça marche, Zoë ! On valide la maquette 👍", 0),
        DocParagraph("Zoë Ångström", "会議の議事録は後で共有します。", 300),
        DocParagraph("Bruno Lima", "We're blocked on the API credentials from the vendor.", 300),
        DocParagraph("Bruno Lima", "Let's take that offline.", 600),
        DocParagraph("Ana Souza", "Thanks everyone.", 600),
    ]
    assert parsed.ended_after_seconds == 29 * 60 + 55
    assert parsed.unparsed_lines == ["[Bruno joined late]"]  # the names line is header


def test_older_layout_with_a_transcript_heading_and_nothing_after_the_end() -> None:
    text = (
        "Retro\nAttendees\nAna, Bo\nTranscript\nThis editable transcript was computer "
        "generated and might contain errors.\nAna: Hi.\nMeeting ended after 00:01:02 👋\n"
        "Bo: not part of the transcript\n"
    )
    parsed = parse_transcript_doc(text)
    assert (parsed.title, parsed.paragraphs) == ("Retro", [DocParagraph("Ana", "Hi.", 0)])
    assert (parsed.ended_after_seconds, parsed.unparsed_lines) == (62, [])


def test_a_localised_title_line(read) -> None:
    parsed = parse_transcript_doc(read("pt_transcript.txt"))
    assert parsed.title == "Reunião semanal"
    assert [(p.speaker, p.text, p.offset_seconds) for p in parsed.paragraphs] == [
        ("Luciano Alf", "Oi, pessoal. Bom dia.", 0),
        ("Vitor Moreira", "Bom dia!", 0),
        ("Luciano Alf", "Vamos fechar o cronograma: começamos pela entrega.", 65),
    ]
    assert (parsed.ended_after_seconds, parsed.unparsed_lines) == (None, [])


@pytest.mark.parametrize(
    "title_line",
    ["Sync - Transkript", "Sync – Transkript", "Sync - 文字起こし", "Sync - Trascrizione"],
)
def test_title_lines_in_each_form(title_line: str) -> None:
    parsed = parse_transcript_doc(f"Nov 24, 2026\n{title_line}\n00:00:00\n\nAna: Hallo.\n")
    assert (parsed.title, [p.text for p in parsed.paragraphs]) == ("Sync", ["Hallo."])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\ufeff",
        "just some document\nwith: no transcript\n",
        "Notes by Gemini\n📖 Transcript\n",
        "Title - Transcript\n",
        "Title - Transcript\nAna: hi\n99:99:99\nTranscription ended after soon\n",
        "00:00:00\n:\n: x\nA:\nA: \n" + "x" * 10_000 + ": y\n",
        "\r\r\n\x00\x0b\u2028 - Transcript\u2029Ana Souza: hello",
    ],
)
def test_any_text_parses_without_error(text: str) -> None:
    parsed = parse_transcript_doc(text)
    assert all(p.speaker and p.text for p in parsed.paragraphs)


def test_a_doc_without_transcript_lines_has_no_paragraphs() -> None:
    parsed = parse_transcript_doc("Roadmap - Agenda\n1. Status\n2. Risks\n")
    assert parsed.paragraphs == [] and parsed.title is None


def test_consecutive_paragraphs_of_one_speaker_merge_keeping_the_first_offset() -> None:
    paragraphs = [
        DocParagraph("Ana", "Hi there.", 0),
        DocParagraph("Ana", "Shall we?", 12),
        DocParagraph("Bo", "Yes.", 15),
        DocParagraph("Ana", "Ok.", None),
    ]
    assert merge_paragraphs(paragraphs) == [
        DocParagraph("Ana", "Hi there. Shall we?", 0),
        DocParagraph("Bo", "Yes.", 15),
        DocParagraph("Ana", "Ok.", None),
    ]
