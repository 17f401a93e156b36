"""From what Meet returned to the rows of conference_records, transcripts and transcript_entries."""

from datetime import datetime

import pandas as pd

from assets.meet.conference_lookup import ConferenceLookup
from assets.meet.record_matching import Meeting, parse_google_time
from assets.meet.transcript_assembly import assemble, beyond_retention
from assets.warehouse.tables import CONFERENCE_RECORDS, TRANSCRIPT_ENTRIES, TRANSCRIPTS
from assets.warehouse.transcript_results import (
    DECLINED,
    DECLINED_DETAIL,
    DECLINED_RESPONSE,
    ENTRY_FIELDS,
    EXPIRED,
    NOT_PERMITTED,
    EntryRow,
    MeetingTranscript,
)


def declined(row) -> bool:
    """Whether the connected account declined the meeting (never asked of Meet or Drive)."""
    return getattr(row, "account_response", None) == DECLINED_RESPONSE


def declined_mask(frame: pd.DataFrame) -> pd.Series:
    """Per row of a meetings frame: whether the account declined it."""
    if "account_response" not in frame:
        return pd.Series(False, index=frame.index)
    return frame["account_response"] == DECLINED_RESPONSE


def meetings_of(frame: pd.DataFrame) -> list[Meeting]:
    """The slice's meetings that have a Meet meeting code and that the account did not
    decline: the ones to ask Meet about."""
    return [
        Meeting(row.event_id, row.conference_id, row.start_time, row.end_time)
        for row in frame.itertuples()
        if isinstance(row.conference_id, str) and not declined(row)
    ]


def build_frames(
    meetings_frame: pd.DataFrame,
    lookups: dict[str, ConferenceLookup],
    now: datetime,
    doc_results: dict[str, MeetingTranscript] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """conference_records, transcripts and transcript_entries rows for a slice's meetings;
    a meeting Meet has forgotten takes its result from ``doc_results`` when there is one."""
    record_rows, transcript_rows = [], []
    entries: dict[str, list] = {name: [] for name in TRANSCRIPT_ENTRIES.column_names}
    for row in meetings_frame.itertuples():
        code, records, result = _meet_result(row, lookups, now)
        if doc_results and row.event_id in doc_results and forgotten(result, row.end_time, now):
            result = doc_results[row.event_id]
        record_rows += [_record_row(row, record) for record in records]
        transcript_rows.append(_transcript_row(row, code, result, len(records), now))
        _add_entries(entries, row, result.entries)
    return (
        CONFERENCE_RECORDS.frame(record_rows),
        TRANSCRIPTS.frame(transcript_rows),
        TRANSCRIPT_ENTRIES.columns_frame(entries),
    )


def _add_entries(columns: dict[str, list], meeting, entries: list[EntryRow]) -> None:
    """Append a meeting's entries to the transcript_entries columns (a year of history has
    hundreds of thousands: no dict per row)."""
    for index, entry in enumerate(entries):
        columns["event_id"].append(meeting.event_id)
        columns["partition_date"].append(meeting.partition_date)
        columns["entry_index"].append(index)
        for name in ENTRY_FIELDS:
            columns[name].append(getattr(entry, name))


def forgotten(result: MeetingTranscript, meeting_end: datetime, now: datetime) -> bool:
    """Whether Meet no longer keeps the meeting: its answer is ``expired``, or, without Meet
    access, the meeting ended before Meet's retention (Meet would hold nothing for it)."""
    if result.status == NOT_PERMITTED:
        return beyond_retention(meeting_end, now)
    return result.status == EXPIRED


def _meet_result(
    row, lookups: dict[str, ConferenceLookup], now: datetime
) -> tuple[str | None, list[dict], MeetingTranscript]:
    """A meeting's code, its records and what Meet's answers make of it. Meet is not asked
    about a meeting beyond its retention (``meet_fetch.meetings_to_ask``), even when a later
    meeting shares its code: no lookup speaks for it, and it is ``expired``."""
    code = row.conference_id if isinstance(row.conference_id, str) else None
    if declined(row):
        return code, [], MeetingTranscript(DECLINED, detail=DECLINED_DETAIL)
    asked = code is not None and not beyond_retention(row.end_time, now)
    lookup = lookups.get(code) if asked else None
    records = lookup.assigned.get(row.event_id, []) if lookup else []
    result = assemble(
        row.end_time,
        records,
        [lookup.transcripts[r["name"]] for r in records if r["name"] in lookup.transcripts]
        if lookup
        else [],
        now,
        lookup_error=lookup.error if lookup else None,
        lookup_unsupported=lookup.unsupported if lookup else False,
        lookup_not_permitted=lookup.not_permitted if lookup else False,
    )
    return code, records, result


def _record_row(meeting, record: dict) -> dict:
    return {
        "record_name": record["name"],
        "event_id": meeting.event_id,
        "conference_id": meeting.conference_id,
        "partition_date": meeting.partition_date,
        "start_time": parse_google_time(record.get("startTime")),
        "end_time": parse_google_time(record.get("endTime")),
        "expire_time": parse_google_time(record.get("expireTime")),
        "space": record.get("space") if isinstance(record.get("space"), str) else None,
    }


def _transcript_row(meeting, code, result: MeetingTranscript, records: int, now) -> dict:
    return {
        "event_id": meeting.event_id,
        "partition_date": meeting.partition_date,
        "conference_id": code,
        "transcript_status": result.status,
        "transcript": result.text,
        "entry_count": len(result.entries),
        "record_count": records,
        "transcript_names": result.transcript_names,
        "transcript_final": result.final,
        "status_detail": result.detail,
        "checked_at": now,
        "transcript_source": result.source,
        "transcript_doc_ids": result.doc_ids,
        "doc_texts": result.doc_texts,
    }
