"""From Meet records, transcripts, participants and entries to one transcript per meeting."""

from __future__ import annotations

from datetime import datetime, timedelta

from assets.meet.conference_lookup import (
    FINAL_TRANSCRIPT_STATE,
    USABLE_TRANSCRIPT_STATES,
    RecordTranscripts,
)
from assets.meet.record_matching import parse_google_time
from assets.warehouse.transcript_results import (
    AVAILABLE,
    EXPIRED,
    FAILED,
    MEET_API,
    NO_CONFERENCE,
    NO_TRANSCRIPT,
    NOT_PERMITTED,
    NOT_PERMITTED_DETAIL,
    PENDING,
    UNSUPPORTED,
    EntryRow,
    MeetingTranscript,
)

UNKNOWN_SPEAKER = "Unknown speaker"
MEET_RETENTION = timedelta(days=30)


def beyond_retention(meeting_end: datetime, now: datetime) -> bool:
    """Whether a meeting ended more than MEET_RETENTION before ``now``: Meet has deleted its
    conference records, transcripts and entries (a meeting exactly 30 days ago still counts)."""
    return meeting_end + MEET_RETENTION < now


def speaker_name(participant: dict | None) -> str:
    """A participant's display name, whichever kind of user joined."""
    if not isinstance(participant, dict):
        return UNKNOWN_SPEAKER
    for kind in ("signedinUser", "anonymousUser", "phoneUser"):
        user = participant.get(kind)
        if isinstance(user, dict):
            name = user.get("displayName")
            if isinstance(name, str) and name.strip():
                return name.strip()
    return UNKNOWN_SPEAKER


def record_entries(fetched: RecordTranscripts) -> list[EntryRow]:
    participants = {
        p["name"]: p
        for p in fetched.participants
        if isinstance(p, dict) and isinstance(p.get("name"), str)
    }
    rows: list[EntryRow] = []
    for transcript_name, entries in fetched.entries.items():
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            participant = entry.get("participant")
            if not isinstance(participant, str):
                participant = None
            text = entry.get("text")
            language = entry.get("languageCode")
            rows.append(
                EntryRow(
                    entry_name=entry["name"],
                    record_name=fetched.record_name,
                    transcript_name=transcript_name,
                    participant_name=participant,
                    speaker=speaker_name(participants.get(participant)),
                    text=" ".join(text.split()) if isinstance(text, str) else "",
                    language_code=language if isinstance(language, str) else None,
                    start_time=parse_google_time(entry.get("startTime")),
                    end_time=parse_google_time(entry.get("endTime")),
                )
            )
    return rows


def _time_order(row: EntryRow) -> tuple:
    return (row.start_time is None, row.start_time or datetime.min, row.entry_name)


def assemble(
    meeting_end: datetime,
    records: list[dict],
    fetched: list[RecordTranscripts],
    now: datetime,
    lookup_error: str | None = None,
    lookup_unsupported: bool = False,
    lookup_not_permitted: bool = False,
) -> MeetingTranscript:
    """The transcript and status of one meeting from everything Meet returned for it.

    An available transcript is final once every record has ended and every transcript is
    FILE_GENERATED; an ENDED one already has its entries, but Meet may still add to them.
    """
    if lookup_not_permitted:
        return MeetingTranscript(NOT_PERMITTED, detail=NOT_PERMITTED_DETAIL)
    if lookup_unsupported or any(f.unsupported for f in fetched):
        return MeetingTranscript(UNSUPPORTED, detail=lookup_error or _first_error(fetched))
    if lookup_error:
        return MeetingTranscript(FAILED, detail=lookup_error)
    if not records:
        status = EXPIRED if beyond_retention(meeting_end, now) else NO_CONFERENCE
        return MeetingTranscript(status)
    if any(f.error for f in fetched):
        return MeetingTranscript(FAILED, detail=_first_error(fetched))
    transcripts = [t for f in fetched for t in f.transcripts if isinstance(t, dict)]
    names = [t["name"] for t in transcripts if isinstance(t.get("name"), str)]
    states = {t["state"] for t in transcripts if isinstance(t.get("state"), str)}
    ongoing = any(not r.get("endTime") for r in records)
    unique: dict[str, EntryRow] = {}
    for f in fetched:
        for row in record_entries(f):
            unique.setdefault(row.entry_name, row)  # duplicates across pages count once
    entries = sorted(unique.values(), key=_time_order)
    if "STARTED" in states or (ongoing and not transcripts):
        status = PENDING
    elif states & USABLE_TRANSCRIPT_STATES:
        status = AVAILABLE
    elif transcripts:
        status = PENDING  # an unknown state: not usable yet
    else:
        status = NO_TRANSCRIPT
    doc_ids = docs_destinations(transcripts)
    if status != AVAILABLE:
        return MeetingTranscript(status, transcript_names=names, doc_ids=doc_ids)
    final = not ongoing and states == {FINAL_TRANSCRIPT_STATE}
    return MeetingTranscript(
        status,
        entries=entries,
        transcript_names=names,
        final=final,
        source=MEET_API,
        doc_ids=doc_ids,
    )


def docs_destinations(transcripts: list[dict]) -> list[str]:
    """The Google Docs Meet named for the transcripts (``docsDestination.document``)."""
    found = []
    for transcript in transcripts:
        destination = transcript.get("docsDestination")
        document = destination.get("document") if isinstance(destination, dict) else None
        if isinstance(document, str) and document and document not in found:
            found.append(document)
    return found


def _first_error(fetched: list[RecordTranscripts]) -> str | None:
    return next((f.error for f in fetched if f.error), None)
