"""The real-quota section of `make bench`: a year's backfill and a daily import against an
emulator that enforces a per-user quota, with meetsync's limiter at the same quota.

Against Google an import's wall time is its request count divided by the quota, so two
numbers matter: how many requests it makes (against the request floor, what no
implementation can avoid) and how fully it uses the quota (wall time against the quota
floor, requests divided by the quota's rate).
"""

from __future__ import annotations

import contextlib
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from assets.meet.conference_lookup import USABLE_TRANSCRIPT_STATES
from bench.pipeline_run import CliRun, add_dagster_timings, materialize
from bench.requests_log import RequestLog
from emulator import QuotaConfig
from google_client import (
    ARRIVAL_MARGIN_SECONDS,
    MAX_ENTRIES_PAGE,
    MAX_EVENTS_PAGE,
    MAX_PARTICIPANTS_PAGE,
    MAX_TRANSCRIPTS_PAGE,
)

DAYS = 365
MEETINGS_PER_DAY = 40
# Google's own per-user quotas, per minute: Calendar 600, Meet 600 reads, Drive 12,000 queries.
QUOTAS = {"calendar": 600, "meet": 600, "drive": 12_000}
DAILY_REPEAT = 3
METHODS = (
    "calendar.events.list",
    "meet.conferenceRecords.list",
    "meet.conferenceRecords.transcripts.list",
    "meet.conferenceRecords.participants.list",
    "meet.conferenceRecords.transcripts.entries.list",
    "drive.files.get",
    "drive.files.export",
)
APIS = ("calendar", "meet", "drive")


def quota_config() -> QuotaConfig:
    """The emulator's quotas: QUOTAS, per user, over a sliding 60-second window."""
    return QuotaConfig(requests_per_minute=QUOTAS["meet"], per_api=dict(QUOTAS))


@dataclass
class QuotaImport:
    """One pipeline run against the quota-enforcing emulator."""

    run: CliRun
    counts: dict[str, int]
    rejected: int  # quota 429s the emulator answered
    asked_twice: int  # requests identical (method, path, query) to an earlier one of the run
    spans: dict[str, float]  # per API: seconds from its first request's arrival to its last's

    @property
    def requests(self) -> int:
        return sum(self.counts.values())

    def per_api(self, api: str) -> int:
        return sum(n for k, n in self.counts.items() if k.startswith(api + "."))

    def busiest(self) -> str:
        """The API whose quota the run's requests need longest."""
        return max(APIS, key=lambda api: self.per_api(api) / QUOTAS[api])

    def quota_floor(self) -> float:
        """Seconds the busiest API's requests need at its quota's steady rate."""
        api = self.busiest()
        return self.per_api(api) / (QUOTAS[api] / 60)

    def limiter_minimum(self) -> float:
        """The shortest span the limiter allows the busiest API's requests: every full
        quota's worth after the first waits one window (60 s plus the arrival margin)."""
        api = self.busiest()
        windows = max(self.per_api(api) - 1, 0) // QUOTAS[api]
        return windows * (60 + ARRIVAL_MARGIN_SECONDS)


@dataclass
class RequestFloor:
    """What no implementation can avoid for the imported range, per method."""

    by_method: dict[str, int] = field(default_factory=dict)
    live_codes: int = 0
    records: int = 0
    past_retention: int = 0  # meetings that ended more than 30 days before the run

    @property
    def total(self) -> int:
        return sum(self.by_method.values())


@dataclass
class QuotaReport:
    days: int
    events: int
    meetings: int
    backfill: QuotaImport
    floor: RequestFloor
    daily_on: list[QuotaImport]
    daily_off: list[QuotaImport]


def _pages(items: int, page: int) -> int:
    """Pages a list of ``items`` takes (an empty list still takes one request)."""
    return max(1, math.ceil(items / page))


def request_floor(database: str, workspace, first: date, last: date) -> RequestFloor:
    """The request floor of [first, last]: calendar pages; for meetings Meet still keeps, one
    record listing per meeting code, one transcripts listing per record, one participants
    listing per record with a usable transcript and every page of every usable transcript's
    entries; for older meetings, one export per transcript Doc Meet wrote for them and one
    files.get per attachment the event leaves undescribed.

    Which meetings Meet still keeps and which records belong to them comes from what the
    pipeline stored (``checked_at`` is the run's now); how many transcripts, participants,
    entries and Docs each has comes from the emulator's ground truth."""
    with duckdb.connect(database, read_only=True) as conn:
        where = "partition_date BETWEEN ? AND ?"
        events = conn.execute(
            f"SELECT count(*) FROM calendar_events WHERE {where}", [first, last]
        ).fetchone()[0]
        meetings = conn.execute(
            "SELECT m.event_id, m.conference_id, m.end_time + INTERVAL 30 DAY < t.checked_at "
            "FROM meet_meetings m JOIN transcripts t USING (event_id, partition_date) "
            f"WHERE m.{where}",
            [first, last],
        ).fetchall()
        records = [
            row[0]
            for row in conn.execute(
                f"SELECT record_name FROM conference_records WHERE {where}", [first, last]
            ).fetchall()
        ]
    live_codes = len({code for _, code, past in meetings if code and not past})
    past = [event_id for event_id, _, is_past in meetings if is_past]
    usable = {
        record: [
            t["name"]
            for t in workspace.transcripts.get(record, [])
            if t.get("state") in USABLE_TRANSCRIPT_STATES
        ]
        for record in records
    }
    with_transcript = [record for record, names in usable.items() if names]
    floor = RequestFloor(live_codes=live_codes, records=len(records), past_retention=len(past))
    floor.by_method = {
        "calendar.events.list": _pages(events, MAX_EVENTS_PAGE),
        "meet.conferenceRecords.list": live_codes,
        "meet.conferenceRecords.transcripts.list": sum(
            _pages(len(workspace.transcripts.get(r, [])), MAX_TRANSCRIPTS_PAGE) for r in records
        ),
        "meet.conferenceRecords.participants.list": sum(
            _pages(len(workspace.participants.get(r, [])), MAX_PARTICIPANTS_PAGE)
            for r in with_transcript
        ),
        "meet.conferenceRecords.transcripts.entries.list": sum(
            _pages(len(workspace.entries.get(name, [])), MAX_ENTRIES_PAGE)
            for names in usable.values()
            for name in names
        ),
        "drive.files.get": sum(_undescribed_attachments(workspace, e) for e in past),
        "drive.files.export": sum(_meet_docs(workspace, e) for e in past),
    }
    return floor


def _meet_docs(workspace, event_id: str) -> int:
    """Docs Meet wrote for a meeting: one per generated transcript of its records."""
    return sum(
        1
        for record in workspace.event_records.get(event_id, [])
        for t in workspace.transcripts.get(record, [])
        if t.get("state") == "FILE_GENERATED"
    )


def _undescribed_attachments(workspace, event_id: str) -> int:
    """Drive attachments whose title or type the event leaves out (only Drive can say)."""
    event = next((e for e in workspace.events if e.get("id") == event_id), {})
    return sum(
        1
        for a in event.get("attachments") or []
        if a.get("fileId") and (not a.get("title") or not a.get("mimeType"))
    )


def _asked_twice(requests: RequestLog) -> int:
    keys = Counter(
        (r.method_id, r.args, tuple(sorted((k, tuple(v)) for k, v in r.query.items())))
        for r in requests.requests
    )
    return sum(n - 1 for n in keys.values() if n > 1)


def _spans(requests: RequestLog) -> dict[str, float]:
    spans = {}
    for api in APIS:
        arrived = [r.arrived for r in requests.requests if r.method_id.startswith(api + ".")]
        spans[api] = max(arrived) - min(arrived) if arrived else 0.0
    return spans


def _run(stack, requests: RequestLog, first, last, name: str, limiter: bool) -> QuotaImport:
    """One import of [first, last] with fresh quota windows (as after a minute's pause)."""
    requests.clear()
    stack.emulator.quota = quota_config()
    env = {
        **stack.env,
        **{
            f"MEETSYNC_{api.upper()}_QPM": str(QUOTAS[api] if limiter else 0)
            for api in ("calendar", "meet", "drive")
        },
    }
    run = materialize(first, last, env, stack.workdir / f"{name}.log")
    if run.returncode != 0:
        tail = run.log_path.read_text(errors="replace")[-4000:]
        raise SystemExit(f"{name}: dagster exited {run.returncode}\n{tail}")
    with contextlib.suppress(Exception):
        add_dagster_timings(run)
    counts = {k: n for k, n in stack.emulator.request_counts.items() if not k.startswith("oauth.")}
    rejected = stack.emulator.quota.total_rejected()
    return QuotaImport(run, counts, rejected, _asked_twice(requests), _spans(requests))


def measure(workdir: Path, seed: int, latency: float, log) -> QuotaReport:
    """The 365-day backfill under the quotas, then yesterday's import with and without the
    limiters (alternating, DAILY_REPEAT times each)."""
    from cli.local_stack import start_local_stack

    log(
        f"Real quota: emulator with {DAYS} days x {MEETINGS_PER_DAY} meetings a weekday, "
        f"Google's per-user quotas ({QUOTAS}), {latency * 1000:.0f} ms latency..."
    )
    with contextlib.redirect_stdout(io.StringIO()):  # the consent URL the flow prints
        stack = start_local_stack(
            workdir,
            days=DAYS,
            meetings_per_day=MEETINGS_PER_DAY,
            seed=seed,
            latency_seconds=latency,
            quota=quota_config(),
        )
    try:
        requests = RequestLog(stack.emulator)
        workspace = stack.emulator.workspace
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        first = yesterday - timedelta(days=DAYS - 1)
        log(f"  backfill {first}...{yesterday}, limiters at the quotas...")
        backfill = _run(stack, requests, first, yesterday, "quota-backfill", limiter=True)
        log(
            f"  {backfill.run.wall_seconds:.1f}s, {backfill.requests} requests, "
            f"{backfill.rejected} quota 429s"
        )
        floor = request_floor(stack.env["MEETSYNC_DUCKDB_PATH"], workspace, first, yesterday)
        with duckdb.connect(stack.env["MEETSYNC_DUCKDB_PATH"], read_only=True) as conn:
            meetings = conn.execute(
                "SELECT count(*) FROM transcripts WHERE partition_date BETWEEN ? AND ?",
                [first, yesterday],
            ).fetchone()[0]
        daily_on, daily_off = [], []
        for attempt in range(1, DAILY_REPEAT + 1):
            for limiter, runs in ((True, daily_on), (False, daily_off)):
                name = f"daily-{'on' if limiter else 'off'}-{attempt}"
                done = _run(stack, requests, yesterday, yesterday, name, limiter)
                log(f"  {name}: {done.run.wall_seconds:.1f}s, {done.requests} requests")
                runs.append(done)
    finally:
        stack.stop()
    return QuotaReport(DAYS, len(workspace.events), meetings, backfill, floor, daily_on, daily_off)


# ----- the report ------------------------------------------------------------------------------
TARGET_REQUEST_FLOOR_RATIO = 1.05
TARGET_QUOTA_FLOOR_RATIO = 1.15
TARGET_DAILY_RATIO = 1.2
TARGET_RSS_MB = 500.0

# Per method: which meetings need it, and why no cheaper call gives the same answer.
JUSTIFICATION = {
    "calendar.events.list": (
        "every imported day: the meetings themselves",
        "one listing of the whole range at the largest page (2,500 events); the pages are "
        "chained by their token, and no other Calendar call returns instances in bulk",
    ),
    "meet.conferenceRecords.list": (
        "one per meeting code with at least one meeting Meet still keeps (ended at most 30 "
        "days ago; a recurring series shares one code and one search), plus one unfiltered "
        "`pageSize=1` listing per run: the check that the Meet API is enabled, so that a "
        "setup error fails the run before any step writes",
        "Meet has no call from a meeting code to its records other than this filter, and its "
        "documented grammar cannot ask for two codes at once (below); meetings Meet no longer "
        "keeps are not asked about at all",
    ),
    "meet.conferenceRecords.transcripts.list": (
        "one per conference record matched to a meeting",
        "a record's transcripts are only listed under the record (at most 100 a page, and a "
        "record has one or two); records do not embed them",
    ),
    "meet.conferenceRecords.participants.list": (
        "one per record with a usable (FILE_GENERATED or ENDED) transcript: speaker names",
        "entries name a participant resource only; one page of 250 holds every participant of "
        "a meeting, and records without a usable transcript are not asked",
    ),
    "meet.conferenceRecords.transcripts.entries.list": (
        "every page (100 entries) of every usable transcript",
        "100 is the largest page Meet serves; the entries exist nowhere else in the Meet API",
    ),
    "drive.files.get": (
        "meetings past Meet's 30 days whose event attaches a Drive file without title or type",
        "only Drive can tell whether such a file is the transcript Doc Meet wrote",
    ),
    "drive.files.export": (
        "one per transcript Doc Meet wrote for a meeting past its 30 days",
        "the Doc is the only copy of the transcript once Meet has deleted the conference; its "
        "text comes in one export, and no Doc is read for a meeting Meet still keeps",
    ),
}


def _fastest(runs: list[QuotaImport]) -> QuotaImport:
    return min(runs, key=lambda r: r.run.wall_seconds)


def checks(report: QuotaReport) -> list[tuple[str, bool, str]]:
    """PASS/FAIL lines: (target, met, measured)."""
    backfill = report.backfill
    request_ratio = backfill.requests / report.floor.total
    wall_ratio = backfill.run.wall_seconds / backfill.quota_floor()
    on, off = _fastest(report.daily_on), _fastest(report.daily_off)
    daily_ratio = on.run.wall_seconds / off.run.wall_seconds
    rss_mb = backfill.run.peak_rss_bytes / 1e6
    daily_rejected = sum(r.rejected for r in report.daily_on)
    return [
        (
            f"{report.days}-day backfill ≤ {TARGET_REQUEST_FLOOR_RATIO}× the request floor",
            request_ratio <= TARGET_REQUEST_FLOOR_RATIO,
            f"{request_ratio:.3f}× ({backfill.requests} ÷ {report.floor.total})",
        ),
        (
            f"{report.days}-day backfill wall ≤ {TARGET_QUOTA_FLOOR_RATIO}× the quota floor, "
            "zero quota 429s",
            wall_ratio <= TARGET_QUOTA_FLOOR_RATIO and backfill.rejected == 0,
            f"{wall_ratio:.2f}×, {backfill.rejected} quota 429s",
        ),
        (
            f"daily import, limiter on ≤ {TARGET_DAILY_RATIO}× limiter off (zero quota 429s)",
            daily_ratio <= TARGET_DAILY_RATIO and daily_rejected == 0,
            f"{daily_ratio:.2f}× ({on.run.wall_seconds:.1f}s vs {off.run.wall_seconds:.1f}s), "
            f"{daily_rejected} quota 429s",
        ),
        (
            f"peak RSS < {TARGET_RSS_MB:.0f} MB, {report.days}-day backfill",
            rss_mb < TARGET_RSS_MB,
            f"{rss_mb:.0f} MB",
        ),
    ]


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}s"


def rows(report: QuotaReport) -> list[tuple[str, str]]:
    backfill, floor = report.backfill, report.floor
    run = backfill.run
    quota_floor = backfill.quota_floor()
    busiest = backfill.busiest()
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in run.step_seconds.items()) or "n/a"
    on, off = _fastest(report.daily_on), _fastest(report.daily_off)
    per_api = ", ".join(f"{backfill.per_api(api)} {api.title()}" for api in APIS)
    spans = ", ".join(f"{api.title()} {backfill.spans[api]:.1f}s" for api in APIS)
    return [
        (
            "Workload",
            f"{report.days} days: {report.events} calendar events, {report.meetings} Meet "
            f"meetings imported, {floor.past_retention} of them past Meet's 30 days (never "
            f"asked about in Meet; their Docs read from Drive), {floor.live_codes} meeting "
            f"codes Meet still keeps, {floor.records} conference records",
        ),
        (
            "Quotas",
            "per user, per minute, enforced by the emulator over a sliding 60 s window (429 "
            "over it): "
            + ", ".join(f"{api.title()} {QUOTAS[api]:,}" for api in APIS)
            + "; meetsync's limiters at the same figures",
        ),
        (
            f"**Google requests, {report.days}-day backfill**",
            f"**{backfill.requests}** ({per_api}); request floor {floor.total}: "
            f"**{backfill.requests / floor.total:.3f}×**",
        ),
        ("Requests asked twice in the run", f"{backfill.asked_twice}"),
        (
            f"**Wall time, {report.days}-day backfill**",
            f"**{run.wall_seconds:.1f}s** (Dagster run {_seconds(run.run_seconds)}: {steps})",
        ),
        (
            "Quota floor",
            f"{quota_floor:.1f}s = {backfill.per_api(busiest)} {busiest.title()} requests (the "
            f"API whose quota the run needs longest) ÷ {QUOTAS[busiest] / 60:.0f} requests/s: "
            f"wall ÷ quota floor **{run.wall_seconds / quota_floor:.2f}×**",
        ),
        (
            "Where the time goes",
            f"from each API's first request to its last: {spans} (the limiter's minimum for "
            f"the {backfill.per_api(busiest)} {busiest.title()} requests: "
            f"{backfill.limiter_minimum():.0f}s); the other "
            f"{run.wall_seconds - backfill.spans[busiest]:.1f}s: process start-up (Dagster "
            f"records each of the {report.days} partitions' planned materializations), the "
            "calendar events, meet_meetings, then building and writing every partition",
        ),
        ("Quota 429s", f"{backfill.rejected} (backfill), limiters on"),
        (
            "Peak RSS, pipeline process tree",
            f"{run.peak_rss_bytes / 1e6:.0f} MB (CLI process {run.main_rss_bytes / 1e6:.0f} MB)",
        ),
        (
            "**Daily import (yesterday)**",
            f"{on.requests} requests; limiters on **{on.run.wall_seconds:.1f}s**, off "
            f"**{off.run.wall_seconds:.1f}s** (fastest of {len(report.daily_on)} each: on "
            + ", ".join(f"{r.run.wall_seconds:.1f}s" for r in report.daily_on)
            + "; off "
            + ", ".join(f"{r.run.wall_seconds:.1f}s" for r in report.daily_off)
            + ")",
        ),
    ]


def markdown(report: QuotaReport) -> str:
    """The real-quota section: its table, the per-method table with each row's reason, and
    how it is measured."""
    backfill, floor = report.backfill, report.floor
    busiest = backfill.busiest()
    windows = math.ceil(backfill.per_api(busiest) / QUOTAS[busiest])
    table = "\n".join(f"| {k} | {v} |" for k, v in rows(report))
    methods = "\n".join(
        f"| {method} | {backfill.counts.get(method, 0)} | {floor.by_method.get(method, 0)} | "
        f"{JUSTIFICATION[method][0]} | {JUSTIFICATION[method][1]} |"
        for method in METHODS
    )
    others = sorted(set(backfill.counts) - set(METHODS))
    if others:
        methods += "\n" + "\n".join(
            f"| {m} | {backfill.counts[m]} | 0 | not needed | (unexpected) |" for m in others
        )
    return f"""## Real quota: a year's backfill against Google's per-user quotas

| measurement | value |
| --- | --- |
{table}

### Requests by method, {report.days}-day backfill, and why each one is needed

| method | requests | floor | which meetings need it | why no cheaper call exists |
| --- | --- | --- | --- | --- |
{methods}

**Why one search per meeting code, not one for several.** The `filter` parameter of
`conferenceRecords.list` in the meet.v2 discovery document
(`googleapiclient/discovery_cache/documents/meet.v2.json`) names four filterable fields
(`space.meeting_code`, `space.name`, `start_time`, `end_time`) and gives four examples:
`space.name = "spaces/NAME"`, `space.meeting_code = "abc-mnop-xyz"`,
`start_time>="…" AND start_time<="…"` and `end_time IS NULL`. It documents `AND`, and no
`OR`, `IN` or any other way for one listing to match two meeting codes, so meetsync does not
batch codes (the emulator accepts exactly the documented grammar and answers `OR` with 400).
Listing every record of the range by `start_time` alone would not help either: a record names
its space, not its meeting code, and the code-to-space mapping is one more request per code
(`spaces.get`), so it cannot beat one search per code.

**How it is measured.** `cli.local_stack.start_local_stack(days={report.days},
meetings_per_day={MEETINGS_PER_DAY}, quota=...)`: the same emulator and latency as above,
enforcing Google's own per-user quotas, unscaled ({
        ", ".join(f"{api.title()} {QUOTAS[api]:,}" for api in APIS)
    } requests per minute) over a sliding 60-second window (Calendar's usage-limits
guide: "Quotas are calculated per minute using a sliding window"); a request over it gets
Google's 429 body and does not count. The backfill's {backfill.per_api(busiest)}
{busiest.title()} requests span {windows} quota windows (scaled to 6,000 per minute they would
fit in one, the limiter would hold nothing back, and the section would only measure latency).
meetsync runs with `MEETSYNC_CALENDAR_QPM`, `MEETSYNC_MEET_QPM` and `MEETSYNC_DRIVE_QPM` at the
same figures. One `dagster asset materialize` run imports {report.days} days, wall time from
spawn to exit. The **quota floor** is the requests to the API whose quota they need longest ÷
that quota's rate: the time a steady stream at the quota needs. The **request floor** is what
no implementation can avoid: calendar pages (events ÷ 2,500); for the meetings Meet still keeps
(ended at most 30 days before the run's now), one records search per meeting code, one
transcripts listing per conference record matched to a meeting, one participants listing per
record with a usable transcript and every 100-entry page of every usable transcript; for older
meetings, one export per transcript Doc Meet wrote and one `files.get` per attachment the event
leaves undescribed (counts from the emulator's ground truth). "Asked twice" counts requests
identical in method, path and query (page token included) to an earlier one of the run. The
**daily import** is yesterday's partition, {len(report.daily_on)} times with the limiters on
and {len(report.daily_off)} times off, alternating; each run starts with fresh quota windows
(as after a minute's pause), and the fastest of each is compared.
"""
