"""What Meet returned about a slice's meetings: plain data handed from the fetch to the assembly."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

# Transcript states whose entries are read: FILE_GENERATED is final; ENDED means the session
# ended and the file is not generated yet, but its entries already exist.
USABLE_TRANSCRIPT_STATES = frozenset({"FILE_GENERATED", "ENDED"})
FINAL_TRANSCRIPT_STATE = "FILE_GENERATED"


@dataclass
class RecordTranscripts:
    """What Meet holds for one conference record: its transcripts, participants and the
    entries of every usable transcript. ``error`` is set when a fetch failed for good, and
    ``unsupported`` when the Meet API refused the account altogether. ``requests`` counts
    the Google requests these fetches took (retries included)."""

    record_name: str
    transcripts: list[dict] = field(default_factory=list)
    participants: list[dict] = field(default_factory=list)
    entries: dict[str, list[dict]] = field(default_factory=dict)
    error: str | None = None
    unsupported: bool = False
    requests: int = 0


@dataclass
class ConferenceLookup:
    """Everything Meet holds for one meeting code in one time window: its records, which
    meeting instance each belongs to (``assigned``: event_id -> records, one key per meeting
    asked about), the transcripts of every assigned record, and the Google requests the
    record search took. ``not_permitted``: the connection may not read Meet, so Meet was not
    asked."""

    meeting_code: str
    window: tuple[datetime, datetime]
    records: list[dict] = field(default_factory=list)
    assigned: dict[str, list[dict]] = field(default_factory=dict)
    transcripts: dict[str, RecordTranscripts] = field(default_factory=dict)
    error: str | None = None
    unsupported: bool = False
    requests: int = 0
    not_permitted: bool = False


def requests_by_meeting(lookups: dict[str, ConferenceLookup]) -> dict[str, float]:
    """event_id -> Google requests made for that meeting: its share of its code's record
    search, and every request for the records matched to it."""
    spent: dict[str, float] = defaultdict(float)
    for lookup in lookups.values():
        if not lookup.assigned:
            continue
        share = lookup.requests / len(lookup.assigned)
        for event_id, records in lookup.assigned.items():
            spent[event_id] += share
            for record in records:
                fetched = lookup.transcripts.get(record["name"])
                spent[event_id] += fetched.requests if fetched else 0
    return dict(spent)
