"""One emulated Google account's data: Calendar events, Meet artifacts and Drive files as dicts.

Everything is stored exactly as Google returns it, so tests may inject arbitrary (even malformed)
payloads. The ``add_*`` helpers build well-formed resources and keep the ground truth
(:meth:`Workspace.expected_meetings`) in step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from emulator.data import ids
from emulator.data.builders import RETENTION, EventSpec, Person, build_entry, build_event, build_participant, build_record, build_space, build_transcript, meet_conference
from emulator.wire.timefmt import parse_rfc3339


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    """One Google account's calendar and Meet data, plus the ground truth behind it."""

    account_email: str = "ana.souza@acme-corp.example"
    account_name: str = "Ana Souza"
    calendar_timezone: str = "UTC"
    now: datetime = field(default_factory=_utc_now)
    events: list[dict[str, Any]] = field(default_factory=list)
    series_masters: list[dict[str, Any]] = field(default_factory=list)
    conference_records: list[dict[str, Any]] = field(default_factory=list)
    transcripts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    participants: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    spaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    drive_files: dict[str, dict[str, Any]] = field(default_factory=dict)  # Drive v3 File by id
    meet_api_enabled: bool = True
    scenarios: dict[str, list[str]] = field(default_factory=dict)
    event_records: dict[str, list[str]] = field(default_factory=dict)
    version: int = 0
    seed: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    # ----- Calendar -------------------------------------------------------------------------
    def add_event(self, event: dict[str, Any], scenarios: tuple[str, ...] = ()) -> dict[str, Any]:
        """Store a Calendar Event dict (as Google returns it) and tag it with ``scenarios``."""
        self.events.append(event)
        for name in scenarios:
            self.scenarios.setdefault(name, []).append(event["id"])
        self.touch()
        return event

    def new_event(
        self,
        summary: str,
        start: datetime | date,
        end: datetime | date,
        meeting_code: str | None = None,
        status: str = "confirmed",
        scenarios: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Build and store a simple event (a Google Meet event when ``meeting_code`` is given)."""
        me = Person(self.account_email, self.account_name)
        guest = Person(f"guest@{self.account_email.split('@')[-1]}", "Guest")
        pin = ids.numeric_id(self.rng, 9)
        spec = EventSpec(
            event_id=ids.event_id(self.rng),
            summary=summary,
            organizer=me,
            attendees=[(me, "accepted"), (guest, "needsAction")],
            start=start,
            end=end,
            tz_name=self.calendar_timezone,
            created=self.now - timedelta(days=3),
            etag=ids.etag(self.rng),
            conference=meet_conference(meeting_code, pin) if meeting_code else None,
            status=status,
        )
        return self.add_event(build_event(spec, self.account_email), scenarios)

    def add_series_master(self, event: dict[str, Any]) -> dict[str, Any]:
        """Store a recurring series master (returned by events.list with singleEvents=false)."""
        self.series_masters.append(event)
        self.touch()
        return event

    def touch(self) -> None:
        """Note a change so a running emulator rebuilds its indexes."""
        self.version += 1

    # ----- Meet -----------------------------------------------------------------------------
    def space_for_code(self, meeting_code: str) -> dict[str, Any] | None:
        """The Space with ``meeting_code``, if any."""
        for space in self.spaces.values():
            if space.get("meetingCode") == meeting_code:
                return space
        return None

    def add_space(self, meeting_code: str | None = None) -> dict[str, Any]:
        """The Space for ``meeting_code``, created when missing."""
        code = meeting_code or ids.meeting_code(self.rng)
        existing = self.space_for_code(code)
        if existing is not None:
            return existing
        name = f"spaces/{ids.space_id(self.rng)}"
        self.spaces[name] = build_space(name, code)
        self.touch()
        return self.spaces[name]

    def add_conference(
        self,
        meeting_code: str,
        start: datetime,
        end: datetime | None = None,
        event_id: str | None = None,
    ) -> dict[str, Any]:
        """A new ConferenceRecord in the space of ``meeting_code`` (``end=None``: ongoing)."""
        space = self.add_space(meeting_code)
        name = f"conferenceRecords/{ids.record_id(self.rng)}"
        record = build_record(name, space["name"], meeting_code, start, end)
        self.conference_records.append(record)
        if event_id is not None:
            self.event_records.setdefault(event_id, []).append(name)
        self.touch()
        return record

    def add_participant(
        self,
        record_name: str,
        display_name: str,
        start: datetime,
        end: datetime,
        kind: str = "signedin",
        user_id: str | None = None,
    ) -> dict[str, Any]:
        """A Participant of ``record_name`` (kind: signedin, anonymous or phone)."""
        name = f"{record_name}/participants/{ids.numeric_id(self.rng, 12)}"
        if kind == "signedin" and user_id is None:
            user_id = ids.numeric_id(self.rng)
        participant = build_participant(name, kind, display_name, user_id, start, end)
        self.participants.setdefault(record_name, []).append(participant)
        self.touch()
        return participant

    def add_transcript(
        self,
        record_name: str,
        start: datetime,
        end: datetime | None = None,
        state: str = "FILE_GENERATED",
    ) -> dict[str, Any]:
        """A Transcript of ``record_name``; STARTED transcripts have no end and no document."""
        name = f"{record_name}/transcripts/{ids.opaque_id(self.rng, 24)}"
        document = ids.opaque_id(self.rng, 44)
        transcript = build_transcript(name, state, start, end, document)
        self.transcripts.setdefault(record_name, []).append(transcript)
        self.entries.setdefault(name, [])
        self.touch()
        return transcript

    def add_entry(
        self,
        transcript_name: str,
        participant_name: str,
        text: str,
        start: datetime,
        end: datetime,
        language_code: str = "en-US",
    ) -> dict[str, Any]:
        """A TranscriptEntry; append in ascending start order."""
        name = f"{transcript_name}/entries/{ids.opaque_id(self.rng, 16)}"
        entry = build_entry(name, participant_name, text, language_code, start, end)
        self.entries.setdefault(transcript_name, []).append(entry)
        return entry

    # ----- Ground truth ---------------------------------------------------------------------
    def record_expired(self, record: dict[str, Any]) -> bool:
        """Whether Meet has deleted ``record`` by ``now`` (30 days after it ended)."""
        return record_expired(record, self.now)

    def expected_meetings(self) -> list[dict[str, Any]]:
        """What a correct import sees: one row per live Google Meet event instance.

        Each row has ``event_id``, ``meeting_code``, ``summary``, ``start``, ``end``,
        ``records`` (live record names), ``expired_records``, ``transcripts`` (names) and
        ``entry_count``.
        """
        by_name = {record["name"]: record for record in self.conference_records}
        rows = []
        for event in self.events:
            code = meet_code_of(event)
            if code is None or event.get("status") == "cancelled":
                continue
            names = self.event_records.get(event["id"], [])
            live = [n for n in names if n in by_name and not self.record_expired(by_name[n])]
            transcripts = [t["name"] for n in live for t in self.transcripts.get(n, [])]
            rows.append(
                {
                    "event_id": event["id"],
                    "meeting_code": code,
                    "summary": event.get("summary"),
                    "start": event["start"],
                    "end": event["end"],
                    "records": live,
                    "expired_records": [n for n in names if n not in live],
                    "transcripts": transcripts,
                    "entry_count": sum(len(self.entries.get(t, [])) for t in transcripts),
                }
            )
        return rows

    def event(self, event_id: str) -> dict[str, Any]:
        """The stored event with ``event_id``."""
        for event in self.events:
            if event.get("id") == event_id:
                return event
        raise KeyError(event_id)


def meet_code_of(event: dict[str, Any]) -> str | None:
    """The Meet meeting code of a Google Meet event, or None."""
    data = event.get("conferenceData") or {}
    key = (data.get("conferenceSolution") or {}).get("key") or {}
    if key.get("type") != "hangoutsMeet":
        return None
    return data.get("conferenceId")


def record_expired(record: dict[str, Any], now: datetime) -> bool:
    """Whether ``record`` is past its ``expireTime`` (endTime + 30 days) at ``now``."""
    try:
        if "expireTime" in record:
            return parse_rfc3339(record["expireTime"]) < now
        if "endTime" in record:
            return parse_rfc3339(record["endTime"]) + RETENTION < now
    except (TypeError, ValueError):
        return False
    return False
