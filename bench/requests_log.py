"""Every request the emulator serves, and which meeting each one was made for.

The emulator counts requests per API method (``request_counts``). To get requests per meeting
the bench also records each request's path and query by wrapping the running emulator's
``handle`` (the emulator's own code is untouched), then attributes them:

- ``calendar.*``: shared evenly by every imported meeting;
- ``conferenceRecords.list``: shared evenly by the imported meetings with the filter's
  meeting code (one search covers every instance of a recurring series);
- requests under ``conferenceRecords/<id>/...``: the meeting that record was assigned to;
- ``drive.files.*``: the meeting whose transcript Doc that file is.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from emulator import Emulator
from emulator.wire.routes import match

CODE_IN_FILTER = re.compile(r'space\.meeting_code\s*=\s*"([^"]+)"')


@dataclass(frozen=True)
class Request:
    method_id: str
    args: tuple[str, ...]
    query: dict[str, list[str]]
    arrived: float = 0.0  # time.perf_counter() when the emulator got it


@dataclass
class RequestLog:
    """Installs itself on a running emulator; ``clear()`` between measurements."""

    emulator: Emulator
    requests: list[Request] = field(default_factory=list)
    served_seconds: list[float] = field(default_factory=list)  # inside the emulator, per request
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        served = self.emulator.handle

        def handle(method, target, headers, body):
            began = time.perf_counter()
            reply = served(method, target, headers, body)
            took = time.perf_counter() - began
            parts = urlsplit(target)
            route = match(method, parts.path)
            if route is not None and route.api != "oauth":
                query = parse_qs(parts.query)
                request = Request(route.method_id, route.args, query, began)
                with self._lock:
                    self.requests.append(request)
                    self.served_seconds.append(took)
            return reply

        self.emulator.handle = handle  # an instance attribute: the HTTP handler calls it

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self.served_seconds.clear()
        self.emulator.reset_counts()

    def by_method(self) -> Counter[str]:
        return Counter(r.method_id for r in self.requests)


@dataclass(frozen=True)
class Meeting:
    event_id: str
    conference_id: str | None
    status: str
    entry_count: int


def attribute(
    requests: list[Request],
    meetings: list[Meeting],
    record_owner: dict[str, str],
    doc_owner: dict[str, str] | None = None,
) -> tuple[dict[str, float], dict[str, int]]:
    """Requests per meeting (event_id -> count, fractional for shared requests), and the
    longest chain of dependent requests per meeting (records search, then per record:
    transcripts, participants, entry pages one after the other)."""
    per_meeting: dict[str, float] = {m.event_id: 0.0 for m in meetings}
    by_code: dict[str, list[str]] = defaultdict(list)
    for meeting in meetings:
        if meeting.conference_id:
            by_code[meeting.conference_id].append(meeting.event_id)
    per_record: Counter[str] = Counter()
    shared = 0
    for request in requests:
        if request.method_id.startswith("calendar."):
            shared += 1
        elif request.method_id == "meet.conferenceRecords.list":
            found = CODE_IN_FILTER.search((request.query.get("filter") or [""])[0])
            owners = by_code.get(found.group(1), []) if found else []
            for event_id in owners:
                per_meeting[event_id] += 1 / len(owners)
        elif request.method_id.startswith("drive."):
            owner = (doc_owner or {}).get(request.args[0] if request.args else "")
            if owner in per_meeting:
                per_meeting[owner] += 1
        elif request.args:
            record = f"conferenceRecords/{request.args[0]}"
            per_record[record] += 1
            owner = record_owner.get(record)
            if owner in per_meeting:
                per_meeting[owner] += 1
    for event_id in per_meeting:
        per_meeting[event_id] += shared / max(len(per_meeting), 1)
    chains: dict[str, int] = {}
    for record, count in per_record.items():
        owner = record_owner.get(record, record)
        chains[owner] = max(chains.get(owner, 0), 1 + count)
    return per_meeting, chains
