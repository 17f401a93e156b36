"""Which stored transcripts a re-import keeps: the ranking, and the rows it writes."""

from __future__ import annotations

from datetime import date

import pandas as pd

from assets.transcripts.keep_stored import meetings_to_keep, rank, ranks_of, with_stored
from assets.warehouse.tables import CONFERENCE_RECORDS, TRANSCRIPT_ENTRIES, TRANSCRIPTS

DAY = date(2026, 3, 2)


def transcripts(*rows: tuple[str, str, str | None, bool | None]) -> pd.DataFrame:
    return TRANSCRIPTS.frame(
        [
            {
                "event_id": event_id,
                "partition_date": DAY,
                "transcript_status": status,
                "transcript_source": source,
                "transcript_final": final,
                "transcript": f"{event_id} {status}",
            }
            for event_id, status, source, final in rows
        ]
    )


def entries(*event_ids: str) -> pd.DataFrame:
    return TRANSCRIPT_ENTRIES.frame(
        [{"event_id": e, "partition_date": DAY, "entry_name": f"{e}/0"} for e in event_ids]
    )


def records(*event_ids: str) -> pd.DataFrame:
    return CONFERENCE_RECORDS.frame(
        [{"event_id": e, "partition_date": DAY, "record_name": f"r/{e}"} for e in event_ids]
    )


def test_the_ranking_puts_meets_final_transcript_first_and_what_google_forgot_last():
    order = [
        rank("available", "meet_api", True),
        rank("available", "meet_api", False),
        rank("available", "drive_doc", True),
        rank("no_transcript", None, None),
        rank("no_conference", None, None),
        rank("expired", None, None),
    ]
    assert order == sorted(order) and len(set(order)) == len(order)
    assert rank("pending", None, None) == rank("no_transcript", None, None)
    for lasting in ("expired", "failed", "unsupported", "not_permitted"):
        assert rank(lasting, None, None) == order[-1]


def test_only_meetings_whose_new_rows_rank_lower_keep_their_stored_rows():
    stored = ranks_of(
        transcripts(
            ("a", "available", "meet_api", True),  # Meet forgot it: expired now
            ("b", "available", "meet_api", True),  # a Doc now: fewer facts (no times)
            ("c", "no_transcript", None, None),  # Meet forgot its record
            ("d", "expired", None, None),  # a Doc was shared since
            ("e", "available", "meet_api", False),  # final now
            ("f", "available", "drive_doc", True),  # re-parsed: same rank, new rows
        )
    )
    new = transcripts(
        ("a", "expired", None, None),
        ("b", "available", "drive_doc", True),
        ("c", "expired", None, None),
        ("d", "available", "drive_doc", True),
        ("e", "available", "meet_api", True),
        ("f", "available", "drive_doc", True),
        ("g", "failed", None, None),  # never stored: new
    )
    assert meetings_to_keep(stored, new) == {"a", "b", "c"}


def test_a_kept_meeting_keeps_its_transcript_entries_and_records_together():
    stored = (
        records("a"),
        transcripts(("a", "available", "meet_api", True)),
        entries("a", "a"),
    )
    new = (
        records(),
        transcripts(("a", "expired", None, None), ("b", "available", "meet_api", True)),
        entries("b"),
    )
    kept = meetings_to_keep(ranks_of(stored[1]), new[1])
    written = with_stored(new, stored, kept)
    assert list(written[0]["event_id"]) == ["a"]
    assert sorted(zip(written[1]["event_id"], written[1]["transcript_status"], strict=True)) == [
        ("a", "available"),
        ("b", "available"),
    ]
    assert sorted(written[2]["event_id"]) == ["a", "a", "b"]
    assert with_stored(new, stored, set()) is new
