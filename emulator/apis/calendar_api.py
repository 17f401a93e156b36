"""Calendar v3: ``calendars.get``, ``events.list`` and ``events.get`` over an indexed workspace."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from emulator.data.account import Workspace
from emulator.wire.errors import bad_request, calendar_error, invalid_value, not_found
from emulator.wire.paging import InvalidPageToken, page
from emulator.wire.params import Params, flag, one, page_size
from emulator.wire.timefmt import calendar_datetime, calendar_stamp, day_start, parse_rfc3339, zone

DEFAULT_MAX_RESULTS = 250
MAX_RESULTS_CAP = 2500
_ORDERING_ERROR = "The requested ordering is not available for the particular query."


@dataclass(frozen=True)
class Slot:
    """An event with its parsed start and end instants."""

    start: datetime
    end: datetime
    event: dict[str, Any]


def event_bounds(event: dict[str, Any], tz: tzinfo) -> tuple[datetime, datetime] | None:
    """Start and end instants of an event (all-day dates at local midnight), or None."""
    try:
        return _instant(event["start"], tz), _instant(event["end"], tz)
    except (KeyError, TypeError, ValueError):
        return None


def _instant(when: dict[str, Any], tz: tzinfo) -> datetime:
    if "dateTime" in when:
        return parse_rfc3339(when["dateTime"])
    return day_start(datetime.strptime(when["date"], "%Y-%m-%d").date(), tz)


class Timeline:
    """Events sorted by start, for fast window queries with Google's overlap semantics."""

    def __init__(self, events: list[dict[str, Any]], tz: tzinfo) -> None:
        slots, self.unparsed = [], []
        for event in events:
            bounds = event_bounds(event, tz)
            if bounds is None:
                self.unparsed.append(event)
            else:
                slots.append(Slot(bounds[0], bounds[1], event))
        slots.sort(key=lambda slot: slot.start)
        self.slots = slots
        self.starts = [slot.start for slot in slots]
        self.longest = max((s.end - s.start for s in slots), default=timedelta(0))

    def window(self, time_min: datetime | None, time_max: datetime | None) -> list[Slot]:
        """Slots whose end is after ``time_min`` and whose start is before ``time_max``."""
        low = 0
        if time_min is not None:
            low = bisect.bisect_left(self.starts, time_min - self.longest - timedelta(seconds=1))
        high = len(self.slots)
        if time_max is not None:
            high = bisect.bisect_left(self.starts, time_max)
        slots = self.slots[low:high]
        if time_min is not None:
            slots = [slot for slot in slots if slot.end > time_min]
        return slots


class CalendarIndex:
    """The two views events.list serves: expanded instances and series masters."""

    def __init__(self, ws: Workspace) -> None:
        self.tz_name = ws.calendar_timezone
        self.tz = zone(ws.calendar_timezone)
        self.instances = Timeline(ws.events, self.tz)
        singles = [e for e in ws.events if not e.get("recurringEventId")]
        self.masters = Timeline(singles + _master_spans(ws, self.tz), self.tz)
        self.by_id = {e.get("id"): e for e in ws.series_masters + ws.events}


def _master_spans(ws: Workspace, tz: tzinfo) -> list[dict[str, Any]]:
    """Masters with start/end stretched over their instances, for window matching."""
    spans: dict[str, tuple[datetime, datetime]] = {}
    for event in ws.events:
        master = event.get("recurringEventId")
        bounds = event_bounds(event, tz) if master else None
        if master and bounds:
            low, high = spans.get(master, bounds)
            spans[master] = (min(low, bounds[0]), max(high, bounds[1]))
    masters = []
    for master in ws.series_masters:
        span = spans.get(master.get("id", ""))
        if span is None:
            masters.append(master)
            continue
        stretched = dict(master)
        stretched["start"] = {"dateTime": span[0].isoformat()}
        stretched["end"] = {"dateTime": span[1].isoformat()}
        stretched["_master"] = master
        masters.append(stretched)
    return masters


def render_event(event: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    """The event as sent to a client asking for zone ``tz``."""
    event = event.get("_master", event)
    rendered = dict(event)
    for key in ("start", "end", "originalStartTime"):
        when = event.get(key)
        if isinstance(when, dict) and "dateTime" in when:
            try:
                moment = parse_rfc3339(when["dateTime"])
            except (TypeError, ValueError):
                continue
            rendered[key] = {**when, "dateTime": calendar_datetime(moment, tz)}
    return rendered


def _calendar_id_ok(ws: Workspace, calendar_id: str) -> bool:
    return calendar_id in ("primary", ws.account_email)


def get_calendar(ws: Workspace, calendar_id: str) -> dict[str, Any]:
    """``calendars.get`` for the primary calendar."""
    if not _calendar_id_ok(ws, calendar_id):
        raise not_found("calendar")
    return {
        "kind": "calendar#calendar",
        "etag": _etag(ws.account_email),
        "id": ws.account_email,
        "summary": ws.account_email,
        "timeZone": ws.calendar_timezone,
        "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
    }


def get_event(
    ws: Workspace, index: CalendarIndex, calendar_id: str, event_id: str, params: Params
) -> dict[str, Any]:
    """``events.get``."""
    if not _calendar_id_ok(ws, calendar_id) or event_id not in index.by_id:
        raise not_found("calendar")
    return render_event(index.by_id[event_id], _zone_param(params, index)[1])


def _zone_param(params: Params, index: CalendarIndex) -> tuple[str, tzinfo]:
    name = one(params, "timeZone")
    if not name:
        return index.tz_name, index.tz
    try:
        return name, zone(name)
    except ValueError:
        raise invalid_value("calendar", "timeZone", name) from None


def _time_param(params: Params, name: str) -> datetime | None:
    value = one(params, name)
    if value is None:
        return None
    try:
        return parse_rfc3339(value)
    except ValueError:
        raise bad_request("calendar") from None


def list_events(
    ws: Workspace, index: CalendarIndex, calendar_id: str, params: Params
) -> dict[str, Any]:
    """``events.list`` with Google's window, expansion, ordering, deletion and paging rules."""
    if not _calendar_id_ok(ws, calendar_id):
        raise not_found("calendar")
    time_min, time_max = _time_param(params, "timeMin"), _time_param(params, "timeMax")
    if time_min and time_max and time_min > time_max:
        raise calendar_error(400, "timeRangeEmpty", "The specified time range is empty.")
    single = flag(params, "singleEvents", "calendar")
    order = one(params, "orderBy")
    if order not in (None, "startTime", "updated"):
        raise invalid_value("calendar", "orderBy", order)
    if order == "startTime" and not single:
        raise calendar_error(400, "badRequest", _ORDERING_ERROR)
    size = page_size(params, "maxResults", "calendar", DEFAULT_MAX_RESULTS, MAX_RESULTS_CAP)
    tz_name, tz = _zone_param(params, index)
    events = _select(index, params, single, time_min, time_max, order)
    flags = (one(params, "showDeleted"), one(params, "q"))
    key = "|".join(str(part) for part in (time_min, time_max, single, order, *flags))
    try:
        chunk, next_token = page(events, one(params, "pageToken"), size, key)
    except InvalidPageToken:
        raise invalid_value("calendar", "pageToken", one(params, "pageToken") or "") from None
    return _events_response(ws, tz_name, [render_event(e, tz) for e in chunk], next_token)


def _select(
    index: CalendarIndex,
    params: Params,
    single: bool,
    time_min: datetime | None,
    time_max: datetime | None,
    order: str | None,
) -> list[dict[str, Any]]:
    timeline = index.instances if single else index.masters
    events = [slot.event for slot in timeline.window(time_min, time_max)] + timeline.unparsed
    if not flag(params, "showDeleted", "calendar"):
        events = [e for e in events if e.get("status") != "cancelled"]
    events = _filter_text(events, one(params, "q"))
    updated_min = _time_param(params, "updatedMin")
    if updated_min is not None:
        events = [e for e in events if _updated(e) >= updated_min]
    ical = one(params, "iCalUID")
    if ical:
        events = [e for e in events if e.get("iCalUID") == ical]
    types = params.get("eventTypes")
    if types:
        events = [e for e in events if e.get("eventType", "default") in types]
    if order == "updated":
        events.sort(key=_updated)
    return events


def _filter_text(events: list[dict[str, Any]], query: str | None) -> list[dict[str, Any]]:
    if not query:
        return events
    needle = query.casefold()
    fields = ("summary", "description", "location")
    return [e for e in events if any(needle in str(e.get(f, "")).casefold() for f in fields)]


def _updated(event: dict[str, Any]) -> datetime:
    try:
        return parse_rfc3339(event["updated"])
    except (KeyError, TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)


def _events_response(
    ws: Workspace, tz_name: str, items: list[dict[str, Any]], next_token: str | None
) -> dict[str, Any]:
    updated = max((e.get("updated", "") for e in items), default="") or calendar_stamp(ws.now)
    response: dict[str, Any] = {
        "kind": "calendar#events",
        "etag": _etag(f"{ws.version}:{updated}:{len(items)}"),
        "summary": ws.account_email,
        "updated": updated,
        "timeZone": tz_name,
        "accessRole": "owner",
        "defaultReminders": [],
    }
    if next_token:
        response["nextPageToken"] = next_token
    response["items"] = items
    return response


def _etag(seed: str) -> str:
    return '"p' + hashlib.sha1(seed.encode()).hexdigest()[:14] + '"'
