"""A meeting's transcript and status from the Docs Drive exported for it (parsed by
``doc_text_parser``): ``available`` from ``drive_doc``, or why not."""

from __future__ import annotations

from assets.drive.doc_matching import NO_DOC, MeetingDocs
from assets.drive.doc_text_parser import merge_paragraphs, parse_transcript_doc
from assets.warehouse.transcript_results import (
    AVAILABLE,
    DRIVE_DOC,
    EXPIRED,
    FAILED,
    NO_TRANSCRIPT,
    EntryRow,
    MeetingTranscript,
)


def assemble_from_docs(docs: MeetingDocs) -> MeetingTranscript:
    """The transcript and status of a meeting Meet no longer keeps, from its Docs."""
    if not docs.doc_ids:
        return MeetingTranscript(EXPIRED, detail=NO_DOC)
    readable = [f for f in docs.fetched if f.text is not None]
    problems = [f for f in docs.fetched if f.text is None]
    detail = "; ".join(f.detail or f.problem or "" for f in problems) or None
    if not readable:
        status = FAILED if any(f.problem == "failed" for f in problems) else EXPIRED
        return MeetingTranscript(status, detail=detail, doc_ids=list(docs.doc_ids))
    entries: list[EntryRow] = []
    unparsed = 0
    for doc in readable:
        parsed = parse_transcript_doc(doc.text or "")
        unparsed += len(parsed.unparsed_lines)
        entries += _doc_entries(doc.doc_id, parsed.paragraphs)
    entries = _merged(entries)
    if unparsed:
        note = f"{unparsed} Doc line(s) not recognised as transcript; kept in doc_texts"
        detail = f"{detail}; {note}" if detail else note
    status = AVAILABLE if entries else NO_TRANSCRIPT
    if not entries:
        detail = detail or "The transcript Doc holds no 'Speaker: text' lines"
    return MeetingTranscript(
        status,
        entries=entries,
        detail=detail,
        final=True if entries else None,  # the Doc Meet wrote when the transcript ended
        source=DRIVE_DOC if entries else None,
        doc_ids=list(docs.doc_ids),
        doc_texts=[doc.text or "" for doc in readable],
    )


def _doc_entries(doc_id: str, paragraphs) -> list[EntryRow]:
    transcript_name = f"docs/{doc_id}"  # one string for all the Doc's entries
    return [
        EntryRow(
            entry_name=f"{transcript_name}/paragraphs/{index}",
            record_name=None,
            transcript_name=transcript_name,
            participant_name=None,
            speaker=p.speaker,
            text=p.text,
            language_code=None,
            start_time=None,
            end_time=None,
            offset_seconds=p.offset_seconds,
        )
        for index, p in enumerate(merge_paragraphs(paragraphs))
    ]


def _merged(entries: list[EntryRow]) -> list[EntryRow]:
    """One speaker's turn continued into the next Doc (transcription restarted) is one."""
    merged: list[EntryRow] = []
    for entry in entries:
        if merged and merged[-1].speaker == entry.speaker:
            merged[-1].text = f"{merged[-1].text} {entry.text}"
        else:
            merged.append(entry)
    return merged
