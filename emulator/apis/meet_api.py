"""Meet v2: conference records and their transcripts, entries and participants, and spaces.

Records past their ``expireTime`` (30 days after they ended, judged at the workspace's ``now``)
are gone: absent from lists and 404 on get, together with everything under them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from emulator.data.account import Workspace, record_expired
from emulator.wire.errors import ApiError, meet_error, not_found
from emulator.wire.paging import InvalidPageToken, page
from emulator.wire.params import Params, one, page_size
from emulator.wire.timefmt import parse_rfc3339

_EPOCH = datetime.min.replace(tzinfo=UTC)
# The records filter exactly as the meet.v2 discovery document describes it: the fields
# space.meeting_code, space.name, start_time and end_time; its examples compare a space with
# `=`, a time with `>=`, `<=` (and `=`) against a double-quoted value, test `end_time IS NULL`,
# and join conditions with `AND`. Nothing else (no OR, NOT, `<`, `>`, `!=`, parentheses,
# lower-case `and`) is documented, so nothing else is accepted.
_COMPARISON = re.compile(
    r"(?P<field>space\.meeting_code|space\.name|start_time|end_time)\s*"
    r'(?P<op>>=|<=|=)\s*"(?P<value>(?:[^"\\]|\\.)*)"'
)
_IS_NULL = re.compile(r"(?P<field>end_time)\s+IS\s+NULL(?![\w.])")
_AND = re.compile(r"\s+AND\s+")
_COMPARE: dict[str, Callable[[datetime, datetime], bool]] = {
    "=": lambda a, b: a == b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


@dataclass(frozen=True)
class RecordSlot:
    """A record with parsed times and its meeting code."""

    start: datetime | None
    end: datetime | None
    code: str | None
    record: dict[str, Any]


def _parse(value: Any) -> datetime | None:
    try:
        return parse_rfc3339(value)
    except (TypeError, ValueError):
        return None


class MeetIndex:
    """Records newest first, by name, by meeting code and by space."""

    def __init__(self, ws: Workspace) -> None:
        slots = [self._slot(ws, record) for record in ws.conference_records]
        slots.sort(key=lambda s: s.start or _EPOCH, reverse=True)
        self.records = slots
        self.by_name = {s.record.get("name"): s for s in slots}
        self.by_code: dict[str, list[RecordSlot]] = {}
        self.by_space: dict[str, list[RecordSlot]] = {}
        for slot in slots:
            self.by_code.setdefault(slot.code or "", []).append(slot)
            self.by_space.setdefault(slot.record.get("space", ""), []).append(slot)
        self.space_by_code = {
            s.get("meetingCode"): s for s in ws.spaces.values() if s.get("meetingCode")
        }

    @staticmethod
    def _slot(ws: Workspace, record: dict[str, Any]) -> RecordSlot:
        code = record.get("_meeting_code")
        if code is None:
            code = ws.spaces.get(record.get("space", ""), {}).get("meetingCode")
        return RecordSlot(
            _parse(record.get("startTime")), _parse(record.get("endTime")), code, record
        )


# ----- filters ------------------------------------------------------------------------------
Predicate = Callable[[RecordSlot], bool]


def _invalid_filter(text: str) -> ApiError:
    return meet_error(400, f"Invalid filter: {text}")


def parse_record_filter(text: str) -> tuple[dict[str, str], list[Predicate]]:
    """Split a records filter into exact lookups (code, space) and time predicates; 400 for
    anything the discovery document does not describe."""
    lookups: dict[str, str] = {}
    predicates: list[Predicate] = []
    position, text = 0, text.strip()
    while True:
        if null := _IS_NULL.match(text, position):
            predicates.append(lambda slot: slot.end is None)
            position = null.end()
        elif term := _COMPARISON.match(text, position):
            _add_term(text, term, lookups, predicates)
            position = term.end()
        else:
            raise _invalid_filter(text)
        if position == len(text):
            return lookups, predicates
        joined = _AND.match(text, position)
        if joined is None:
            raise _invalid_filter(text)
        position = joined.end()


def _add_term(
    text: str, term: re.Match[str], lookups: dict[str, str], predicates: list[Predicate]
) -> None:
    field, op = term["field"], term["op"]
    value = re.sub(r"\\(.)", r"\1", term["value"])
    if field.startswith("space."):
        if op != "=":
            raise _invalid_filter(text)
        if lookups.setdefault(field, value) != value:
            predicates.append(lambda slot: False)  # one space cannot have two codes or names
        return
    moment = _parse(value)
    if moment is None:
        raise _invalid_filter(text)
    predicates.append(_time_predicate(field, _COMPARE[op], moment))


def _time_predicate(
    field: str, compare: Callable[[datetime, datetime], bool], moment: datetime
) -> Predicate:
    def check(slot: RecordSlot) -> bool:
        value = slot.start if field == "start_time" else slot.end
        return value is not None and compare(value, moment)

    return check


# ----- handlers -----------------------------------------------------------------------------
def _page(items: list[Any], params: Params, default: int, cap: int, key: str) -> tuple[list, str]:
    size = page_size(params, "pageSize", "meet", default, cap, minimum=0)
    try:
        chunk, token = page(items, one(params, "pageToken"), size, key)
    except InvalidPageToken:
        raise meet_error(400, "Invalid page token.") from None
    return list(chunk), token or ""


def _response(key: str, items: list[dict[str, Any]], token: str) -> dict[str, Any]:
    response: dict[str, Any] = {}
    if items:
        response[key] = [public(item) for item in items]
    if token:
        response["nextPageToken"] = token
    return response


def public(resource: dict[str, Any]) -> dict[str, Any]:
    """``resource`` without private keys (those starting with ``_``)."""
    return {k: v for k, v in resource.items() if not k.startswith("_")}


def list_records(ws: Workspace, index: MeetIndex, params: Params) -> dict[str, Any]:
    """``conferenceRecords.list``: filter, newest first, paged."""
    text = one(params, "filter") or ""
    candidates = index.records
    predicates: list[Predicate] = []
    if text.strip():
        lookups, predicates = parse_record_filter(text)
        if "space.meeting_code" in lookups:
            candidates = index.by_code.get(lookups["space.meeting_code"], [])
        if "space.name" in lookups:
            space = lookups["space.name"]
            candidates = [s for s in candidates if s.record.get("space") == space]
    live = [
        s.record
        for s in candidates
        if all(p(s) for p in predicates) and not record_expired(s.record, ws.now)
    ]
    chunk, token = _page(live, params, 25, 100, f"records|{text}")
    return _response("conferenceRecords", chunk, token)


def live_record(ws: Workspace, index: MeetIndex, record_id: str) -> dict[str, Any]:
    """The record ``conferenceRecords/<record_id>`` unless unknown or expired (404)."""
    slot = index.by_name.get(f"conferenceRecords/{record_id}")
    if slot is None or record_expired(slot.record, ws.now):
        raise not_found("meet")
    return slot.record


def get_record(ws: Workspace, index: MeetIndex, record_id: str) -> dict[str, Any]:
    """``conferenceRecords.get``."""
    return public(live_record(ws, index, record_id))


def _child(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for item in items:
        if item.get("name") == name:
            return public(item)
    raise not_found("meet")


def list_transcripts(
    ws: Workspace, index: MeetIndex, record_id: str, params: Params
) -> dict[str, Any]:
    """``transcripts.list``: ascending start time."""
    record = live_record(ws, index, record_id)
    items = ws.transcripts.get(record["name"], [])
    chunk, token = _page(items, params, 10, 100, f"transcripts|{record['name']}")
    return _response("transcripts", chunk, token)


def get_transcript(
    ws: Workspace, index: MeetIndex, record_id: str, transcript_id: str
) -> dict[str, Any]:
    """``transcripts.get``."""
    record = live_record(ws, index, record_id)
    name = f"{record['name']}/transcripts/{transcript_id}"
    return _child(ws.transcripts.get(record["name"], []), name)


def list_entries(
    ws: Workspace, index: MeetIndex, record_id: str, transcript_id: str, params: Params
) -> dict[str, Any]:
    """``transcripts.entries.list``: ascending start time."""
    transcript = get_transcript(ws, index, record_id, transcript_id)
    items = ws.entries.get(transcript["name"], [])
    chunk, token = _page(items, params, 10, 100, f"entries|{transcript['name']}")
    return _response("transcriptEntries", chunk, token)


def get_entry(
    ws: Workspace, index: MeetIndex, record_id: str, transcript_id: str, entry_id: str
) -> dict[str, Any]:
    """``transcripts.entries.get``."""
    transcript = get_transcript(ws, index, record_id, transcript_id)
    name = f"{transcript['name']}/entries/{entry_id}"
    return _child(ws.entries.get(transcript["name"], []), name)


def list_participants(
    ws: Workspace, index: MeetIndex, record_id: str, params: Params
) -> dict[str, Any]:
    """``participants.list`` (with ``totalSize``); filter supports ``latest_end_time IS NULL``."""
    record = live_record(ws, index, record_id)
    items = ws.participants.get(record["name"], [])
    text = (one(params, "filter") or "").strip()
    if text:
        if re.fullmatch(r"latest_end_time\s+IS\s+NULL", text, re.IGNORECASE) is None:
            raise _invalid_filter(text)
        items = [p for p in items if "latestEndTime" not in p]
    chunk, token = _page(items, params, 100, 250, f"participants|{record['name']}|{text}")
    response = _response("participants", chunk, token)
    if items:
        response["totalSize"] = len(items)
    return response


def get_participant(
    ws: Workspace, index: MeetIndex, record_id: str, participant_id: str
) -> dict[str, Any]:
    """``participants.get``."""
    record = live_record(ws, index, record_id)
    name = f"{record['name']}/participants/{participant_id}"
    return _child(ws.participants.get(record["name"], []), name)


def get_space(ws: Workspace, index: MeetIndex, space_id: str) -> dict[str, Any]:
    """``spaces.get`` by space id or by meeting code alias."""
    space = ws.spaces.get(f"spaces/{space_id}") or index.space_by_code.get(space_id)
    if space is None:
        raise not_found("meet")
    return public(space)
