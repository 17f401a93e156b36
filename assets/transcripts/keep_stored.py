"""A re-import never makes a meeting's transcript worse than what is stored.

Google forgets: Meet deletes a conference's records, transcripts and entries 30 days after it
ends, a Doc can be unshared or deleted, a fetch can fail. So for each meeting the Meet step
keeps the rows it has stored (its transcripts row, its entries and its conference records,
together) whenever what Google gives now ranks below them; otherwise the new rows replace
them, as a fresh answer from Google does. The ranking, best first:

1. ``available`` from Meet's API, final (every transcript FILE_GENERATED);
2. ``available`` from Meet's API, not final yet (ENDED: Meet may still add to it);
3. ``available`` from the Google Doc Meet wrote (no entry times);
4. ``no_transcript`` and ``pending``: Meet holds the meeting's records;
5. ``no_conference``: Meet answered, with no record the account may read;
6. anything else: ``expired``, ``failed``, ``unsupported``, ``not_permitted``.

An equal rank takes the new rows (a revised transcript, a re-parsed Doc). Which meetings a
day holds still follows the calendar: a meeting no longer on it is not kept.
"""

from __future__ import annotations

import pandas as pd

from assets.warehouse.transcript_results import (
    AVAILABLE,
    DRIVE_DOC,
    MEET_API,
    NO_CONFERENCE,
    NO_TRANSCRIPT,
    PENDING,
)

Frames = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]  # records, transcripts, entries


def rank(status: object, source: object, final: object) -> int:
    """How complete a transcripts row is: lower is better (see the module's list)."""
    if status == AVAILABLE and source == MEET_API:
        return 1 if final is True else 2
    if status == AVAILABLE and source == DRIVE_DOC:
        return 3
    if status in (NO_TRANSCRIPT, PENDING):
        return 4
    if status == NO_CONFERENCE:
        return 5
    return 6


def ranks_of(transcripts: pd.DataFrame) -> dict[str, int]:
    """event_id -> the rank of its transcripts row."""
    return {
        row.event_id: rank(row.transcript_status, row.transcript_source, row.transcript_final)
        for row in transcripts.itertuples()
    }


def meetings_to_keep(stored: dict[str, int], new: pd.DataFrame) -> set[str]:
    """event_ids whose stored row (``stored``: event_id -> rank) ranks above the new one; the
    new rows are the meetings the calendar holds now."""
    return {event_id for event_id, now in ranks_of(new).items() if stored.get(event_id, 7) < now}


def with_stored(new: Frames, stored: Frames, kept: set[str]) -> Frames:
    """The rows to write: the new ones, but the stored records, transcripts row and entries of
    the ``kept`` meetings (``stored`` holds those meetings' rows)."""
    if not kept:
        return new
    records, transcripts, entries = (
        _stacked(fresh[~fresh["event_id"].isin(kept)], old[old["event_id"].isin(kept)])
        for fresh, old in zip(new, stored, strict=True)
    )
    return records, transcripts, entries


def _stacked(fresh: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    if not len(old):
        return fresh.reset_index(drop=True)
    old = old[list(fresh.columns)]
    if not len(fresh):
        return old.reset_index(drop=True)
    return pd.concat([fresh, old], ignore_index=True)
