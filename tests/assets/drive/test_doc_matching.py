"""Which Docs belong to a meeting Meet no longer keeps, and what they make of it (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assets.calendar.event_rows import attachments_of
from assets.drive.doc_assembly import assemble_from_docs
from assets.drive.doc_matching import (
    DOC_MIME_TYPE,
    GEMINI_KIND,
    GEMINI_WORDS,
    NO_DOC,
    TRANSCRIPT_KIND,
    TRANSCRIPT_WORDS,
    DocMeeting,
    FetchedDoc,
    MeetingDocs,
    attachment_doc_ids,
    doc_ids_of,
    meet_doc_kind,
    unnamed_attachment_ids,
)
from tests.helpers import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "transcript_docs"

START = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
TITLE = "Sprint planning"


def doc(file_id: str, title: str | None, mime_type: str | None = DOC_MIME_TYPE) -> dict:
    return {"file_id": file_id, "title": title, "mime_type": mime_type, "file_url": None}


def meeting(*attachments: dict, stored: tuple[str, ...] = ()) -> DocMeeting:
    return DocMeeting("e1", TITLE, "abc-mnop-xyz", START, attachments, stored)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sprint planning - 2026/03/04 09:31 UTC - Transcript", "Transcript"),
        ("Sprint planning - 2026/03/04 10:31 CET - Transcript", "Transcript"),
        ("Sprint planning - 2026/03/03 22:31 PST - Transcript", "Transcript"),  # a day apart
        ("Sprint planning (2026-03-04 10:31 GMT+1) - Transcript", "Transcript"),  # older naming
        ("Sprint planning - 2026/03/04 09:31 UTC - Notes by Gemini", "Notes by Gemini"),
        ("abc-mnop-xyz (2026-03-04 09:31 GMT) - Transcript", "Transcript"),  # by meeting code
        ("Sprint planning - 2026/02/25 09:31 UTC - Transcript", None),  # another instance
        ("Sprint planning - 2026/03/04 09:31 UTC - Recording", None),
        ("Sprint planning - Agenda", None),
        ("Sprint planning - Transcript", None),  # no date: not Meet's name
        ("Sprint planning v2 - 2026/03/04 09:31 UTC - Transcript", None),  # another title
        ("Retro - 2026/03/04 09:31 UTC - Transcript", None),
        ("Sprint planning - 2026/13/45 09:31 UTC - Transcript", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_meets_names_for_this_meeting_only(name, kind) -> None:
    assert meet_doc_kind(name, meeting()) == kind


def _named(line: str) -> tuple[DocMeeting, str | None, str]:
    title, start, kind, name = line.split("\t")
    found = DocMeeting("e1", title, None, datetime.fromisoformat(start))
    return found, None if kind == "none" else kind, name


NAMES = [
    line
    for line in (FIXTURES / "meet_doc_names.tsv").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("#")
]


@pytest.mark.parametrize("line", NAMES)
def test_meets_names_as_meet_writes_them(line: str) -> None:
    """tests/fixtures/transcript_docs/meet_doc_names.tsv: en-dash, hyphen and older names,
    kind words in the organizer's language, zones as Meet writes them."""
    found, kind, name = _named(line)
    assert meet_doc_kind(name, found) == kind
    assert meet_doc_kind(name.replace("\u2013", "-"), found) == kind  # today's ASCII form too


@pytest.mark.parametrize("language", sorted(TRANSCRIPT_WORDS))
def test_gemini_notes_never_taken_when_a_transcript_doc_is_attached(language: str) -> None:
    stamp = "Sprint planning \u2013 2026/03/04 10:30 CET \u2013 "
    transcript = doc("t", stamp + TRANSCRIPT_WORDS[language])
    gemini = doc("g", stamp + GEMINI_WORDS[language])
    english = doc("ge", stamp + "Notes by Gemini")
    assert meet_doc_kind(transcript["title"], meeting()) == TRANSCRIPT_KIND
    assert meet_doc_kind(gemini["title"], meeting()) == GEMINI_KIND
    assert attachment_doc_ids(meeting(gemini, english, transcript)) == ["t"]
    assert attachment_doc_ids(meeting(gemini)) == ["g"]


def test_every_language_has_both_words_and_none_is_shared() -> None:
    assert set(TRANSCRIPT_WORDS) == set(GEMINI_WORDS) >= {
        "en", "de", "fr", "es", "it", "pt", "nl", "ja"
    }  # fmt: skip
    assert not set(TRANSCRIPT_WORDS.values()) & set(GEMINI_WORDS.values())


def test_never_an_arbitrary_attachment() -> None:
    named = "Sprint planning - 2026/03/04 09:31 UTC - Transcript"
    found = meeting(
        doc("agenda", "Sprint planning - Agenda"),
        doc("video", named.replace("Transcript", "Recording"), "video/mp4"),
        doc("pdf", named, "application/pdf"),  # Meet's name, not a Google Doc
        doc("other", "Retro - 2026/03/04 09:31 UTC - Transcript"),
        doc("t1", named),
        {"file_id": None, "title": named, "mime_type": DOC_MIME_TYPE},
    )
    assert attachment_doc_ids(found) == ["t1"]


def test_transcript_docs_before_gemini_notes_and_docs_destination_first() -> None:
    gemini = doc("g", "Sprint planning - 2026/03/04 09:31 UTC - Notes by Gemini")
    transcript = doc("t", "Sprint planning - 2026/03/04 09:31 UTC - Transcript")
    assert attachment_doc_ids(meeting(gemini, transcript)) == ["t"]
    assert attachment_doc_ids(meeting(gemini)) == ["g"]
    assert doc_ids_of(meeting(gemini, transcript, stored=("d1", "d1", "d2"))) == ["d1", "d2"]
    assert doc_ids_of(meeting(doc("x", "Sprint planning - Agenda"))) == []


def test_attachments_without_title_or_type_are_for_drive_to_describe() -> None:
    found = meeting(doc("a", None), doc("b", "t", None), doc("c", "Sprint planning - Agenda"))
    assert unnamed_attachment_ids(found) == ["a", "b"]


def test_status_when_no_doc_is_readable() -> None:
    assert assemble_from_docs(MeetingDocs("e1")).status == "expired"
    assert assemble_from_docs(MeetingDocs("e1")).detail == NO_DOC
    gone = MeetingDocs("e1", ["d"], [FetchedDoc("d", problem="deleted", detail="Drive 404: x")])
    result = assemble_from_docs(gone)
    assert (result.status, result.detail, result.doc_ids) == ("expired", "Drive 404: x", ["d"])
    flaky = MeetingDocs("e1", ["d"], [FetchedDoc("d", problem="failed", detail="HTTP 503")])
    assert assemble_from_docs(flaky).status == "failed"  # re-checked, never a failed day


def test_a_readable_doc_gives_entries_source_and_raw_text() -> None:
    text = (
        "\ufeffMar 4, 2026\r\nT - Transcript\r\n00:00:00\r\n\r\nAna: Hi.\r\n??\r\n"
        "00:01:05\r\n\r\nAna: Go.\r\nBo: Ok.\r\n"
    )
    docs = MeetingDocs(
        "e1",
        ["d", "gone"],
        [FetchedDoc("d", text=text), FetchedDoc("gone", problem="deleted", detail="Drive 404")],
    )
    result = assemble_from_docs(docs)
    assert (result.status, result.source, result.text) == (
        "available",
        "drive_doc",
        "Ana: Hi. Go.\nBo: Ok.",
    )
    assert [(e.offset_seconds, e.transcript_name) for e in result.entries] == [
        (0, "docs/d")
    ] * 1 + [(65, "docs/d")]
    assert result.doc_texts == [text] and result.doc_ids == ["d", "gone"]
    assert "Drive 404" in result.detail and "1 Doc line(s) not recognised" in result.detail
    empty = assemble_from_docs(MeetingDocs("e1", ["d"], [FetchedDoc("d", text="Agenda\n")]))
    assert (empty.status, empty.source, empty.doc_texts) == ("no_transcript", None, ["Agenda\n"])


@pytest.mark.parametrize(
    "listed",
    [None, "x", 5, [None, 1, "a", []], [{"fileId": 3, "title": ["t"]}], [{"fileUrl": "u"}]],
)
def test_attachments_of_any_json_never_raises(listed) -> None:
    for row in attachments_of({"attachments": listed}):
        assert set(row) == {"file_id", "title", "mime_type", "file_url"}
        assert all(v is None or isinstance(v, str) for v in row.values())


ZOE = "Zoë Ångström: Ça marche, Zoë ! On valide la maquette 👍 会議の議事録は後で共有します。"


@pytest.mark.parametrize(
    ("fixture", "lines"),
    [
        (
            "meet_transcript.txt",
            [
                "Ana Souza: Hi everyone, shall we kick off?",
                "Bruno Lima: Quick update from my side: the migration is about eighty percent "
                "done.",
                ZOE,
                "Bruno Lima: We're blocked on the API credentials from the vendor. Let's take that "
                "offline.",
                "+1 402-***-**87: Can you hear me?",
            ],
        ),
        (
            "gemini_notes.txt",
            ["Ana Souza: Hi everyone, shall we kick off?", "Bruno Lima: Sounds good."],
        ),
        (
            "older_layout.txt",
            [
                "Ana Souza: Hi everyone, shall we kick off?",
                "Bruno Lima: Sounds good. Quick update from my side: the migration is about "
                "eighty percent done.",
                ZOE,
                "Bruno Lima: We're blocked on the API credentials from the vendor. Let's take that "
                "offline.",
                "Ana Souza: Thanks everyone.",
            ],
        ),
        (
            "pt_transcript.txt",
            [
                "Luciano Alf: Oi, pessoal. Bom dia.",
                "Vitor Moreira: Bom dia!",
                "Luciano Alf: Vamos fechar o cronograma: começamos pela entrega.",
            ],
        ),
    ],
)
def test_each_layout_gives_the_exact_speaker_lines(fixture: str, lines: list[str]) -> None:
    text = "\ufeff" + (FIXTURES / fixture).read_text(encoding="utf-8").replace("\n", "\r\n")
    result = assemble_from_docs(MeetingDocs("e1", ["d"], [FetchedDoc("d", text=text)]))
    assert (result.status, result.source) == ("available", "drive_doc")
    assert result.text.split("\n") == lines
