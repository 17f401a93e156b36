"""`make bench`: the real pipeline against the emulator, with injected latency, measured.

    python -m bench.run [--baseline-days N] [--no-write]

1. Starts the Google Workspace emulator (30 days x 40 meetings a weekday, realistic transcripts,
   30 ms latency on every request) and connects through the real OAuth consent flow
   (cli.local_stack), with the request-rate limiter off (MEETSYNC_*_QPM=0).
2. Imports the 30 days as ONE run with the Dagster CLI (`dagster asset materialize -m
   pipelines.definitions --select '*' --partition-range A...B`) in a child process, timed, its
   memory watched, every Google request recorded by the emulator.
3. Imports the last 3 days again as one run (the small-backfill regime).
4. Runs the naive sequential baseline (bench.baseline) on the same days, same emulator.
5. Times assets.warehouse.replace_slice writing 600k synthetic transcript_entries rows.
6. History (bench.history): imports 30 days past Meet's retention, whose transcripts come from
   the Google Docs Meet wrote, and counts the requests per historical meeting.
7. Real quota (bench.quota_run): a 365-day backfill against an emulator enforcing Google's
   per-user quotas, with the limiters at the same quotas; then yesterday's import, limiter on
   and off.
8. Prints the results and PASS/FAIL per target, writes bench/results.md. Exit code 0 either way.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

from bench import duckdb_writes, machine, quota_run  # noqa: E402
from bench.baseline import SequentialBaseline  # noqa: E402
from bench.history import measure_history  # noqa: E402
from bench.pipeline_run import CliRun, add_dagster_timings, fsync_milliseconds, materialize  # noqa: E402
from bench.requests_log import Meeting, RequestLog, attribute  # noqa: E402
from settings import Settings  # noqa: E402

DAYS = 30
MEETINGS_PER_DAY = 40
SEED = 7
LATENCY = 0.030
WORKERS = Settings().workers  # the MEETSYNC_WORKERS default
SUBSET_DAYS = 3
SHORT_TRANSCRIPT = 100
DUCKDB_ROWS = 600_000
RESULTS = Path(__file__).with_name("results.md")

TARGET_SPEEDUP = 5.0
TARGET_LOWER_BOUND_RATIO = 2.0
TARGET_SHORT_REQUESTS = 6.0
TARGET_RSS_MB = 500.0
TARGET_DUCKDB_RATE = 200_000.0


@dataclass
class Import:
    """One measured pipeline run and what the emulator saw during it."""

    run: CliRun
    counts: dict[str, int]  # emulator.request_counts, OAuth excluded
    meetings: list[Meeting]
    per_meeting: dict[str, float]
    chains: dict[str, int]
    entries: int
    served_seconds: list[float]
    all_walls: list[float] = field(default_factory=list)  # every repetition of this import
    max_rss_bytes: int = 0  # the highest peak RSS over the repetitions

    @property
    def requests(self) -> int:
        return sum(self.counts.values())

    @property
    def calendar_requests(self) -> int:
        return sum(n for k, n in self.counts.items() if k.startswith("calendar."))

    @property
    def meet_requests(self) -> int:
        """Meet and Drive requests: both run on the worker threads."""
        return self.requests - self.calendar_requests

    @property
    def drive_requests(self) -> int:
        return sum(n for k, n in self.counts.items() if k.startswith("drive."))

    @property
    def longest_chain(self) -> int:
        return max(self.chains.values(), default=1)

    def lower_bound(self) -> float:
        """calendar pages in sequence, then the Meet requests spread over the workers (but
        never less than the longest chain of dependent requests of one meeting)."""
        concurrent = max(self.meet_requests * LATENCY / WORKERS, self.longest_chain * LATENCY)
        return self.calendar_requests * LATENCY + concurrent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def api_counts(emulator) -> dict[str, int]:
    return {k: n for k, n in emulator.request_counts.items() if not k.startswith("oauth.")}


def measure_import(stack, requests: RequestLog, first, last, name: str) -> Import:
    requests.clear()
    env = {
        **stack.env,
        "MEETSYNC_CALENDAR_QPM": "0",
        "MEETSYNC_MEET_QPM": "0",
        "MEETSYNC_DRIVE_QPM": "0",
    }
    run = materialize(first, last, env, stack.workdir / f"{name}.log")
    if run.returncode != 0:
        tail = run.log_path.read_text(errors="replace")[-4000:]
        raise SystemExit(f"{name}: dagster exited {run.returncode}\n{tail}")
    counts = api_counts(stack.emulator)
    logged = requests.by_method()
    if dict(logged) != counts:
        raise SystemExit(f"request log {dict(logged)} disagrees with the emulator's {counts}")
    with contextlib.suppress(Exception):
        add_dagster_timings(run)
    with duckdb.connect(str(stack.settings.duckdb_path), read_only=True) as conn:
        where = "partition_date BETWEEN ? AND ?"
        rows = conn.execute(
            "SELECT event_id, conference_id, transcript_status, entry_count FROM transcripts "
            f"WHERE {where}",
            [first, last],
        ).fetchall()
        owners = dict(
            conn.execute(
                f"SELECT record_name, event_id FROM conference_records WHERE {where}",
                [first, last],
            ).fetchall()
        )
        entries = conn.execute(
            f"SELECT count(*) FROM transcript_entries WHERE {where}", [first, last]
        ).fetchone()[0]
        docs = dict(
            conn.execute(
                f"SELECT unnest(transcript_doc_ids), event_id FROM transcripts WHERE {where}",
                [first, last],
            ).fetchall()
        )
    meetings = [Meeting(*row) for row in rows]
    per_meeting, chains = attribute(list(requests.requests), meetings, owners, docs)
    served = list(requests.served_seconds)
    return Import(run, counts, meetings, per_meeting, chains, entries, served)


def short_transcript_requests(result: Import) -> tuple[int, float, float]:
    """Meetings with an available transcript of 1..100 entries: how many, and the mean and
    maximum of the requests attributed to each."""
    values = [
        result.per_meeting[m.event_id]
        for m in result.meetings
        if m.status == "available" and 0 < m.entry_count <= SHORT_TRANSCRIPT
    ]
    if not values:
        return 0, math.nan, math.nan
    return len(values), statistics.fmean(values), max(values)


def per_status(result: Import) -> list[tuple[str, int, float]]:
    groups: dict[str, list[float]] = {}
    for m in result.meetings:
        label = m.status
        if m.status == "available":
            label += " (≤100 entries)" if m.entry_count <= SHORT_TRANSCRIPT else " (>100 entries)"
        groups.setdefault(label, []).append(result.per_meeting[m.event_id])
    return sorted(
        ((k, len(v), statistics.fmean(v)) for k, v in groups.items()), key=lambda g: -g[1]
    )


def run_baseline(stack, requests: RequestLog, first, last, subset_first, days: int):
    """The baseline over the subset, then (if ``days`` asks for more) the days before it;
    the two sequential runs add up to the whole range."""
    connection = stack.connection
    secret, endpoint = stack.settings.client_secret, stack.settings.api_endpoint
    baseline = SequentialBaseline(connection, secret, endpoint)
    requests.clear()
    subset = baseline.run(subset_first, last)
    log(f"  baseline, last {SUBSET_DAYS} days: {subset.seconds:.1f}s, {subset.meetings} meetings")
    rest_first = max(first, last - timedelta(days=days - 1))
    rest = None
    if rest_first < subset_first:
        rest = baseline.run(rest_first, subset_first - timedelta(days=1))
        log(f"  baseline, {rest_first}..{subset_first - timedelta(days=1)}: {rest.seconds:.1f}s")
    counts = api_counts(stack.emulator)
    return subset, rest, counts


def mb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1e6:.0f} MB"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--baseline-days",
        type=int,
        default=DAYS,
        help=f"days the sequential baseline fetches (>= {SUBSET_DAYS}; fewer days are "
        "extrapolated per meeting). Default: all 30, about 3 minutes.",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=2,
        help="30-day imports to run; the fastest is reported (the machine may be shared)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.md")
    parser.add_argument(
        "--skip-quota",
        action="store_true",
        help="skip the real-quota section (a 365-day backfill at Google's quotas, about 8 minutes)",
    )
    args = parser.parse_args(argv)
    args.baseline_days = min(max(args.baseline_days, SUBSET_DAYS), DAYS)
    warnings.filterwarnings("ignore")
    started = time.monotonic()
    load_at_start = "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())
    for limiter in ("MEETSYNC_CALENDAR_QPM", "MEETSYNC_MEET_QPM", "MEETSYNC_DRIVE_QPM"):
        os.environ[limiter] = "0"

    from cli.local_stack import start_local_stack

    with tempfile.TemporaryDirectory(prefix="meetsync-bench-") as tmp:
        log(
            f"Emulator: {DAYS} days x {MEETINGS_PER_DAY} meetings a weekday, "
            f"{LATENCY * 1000:.0f} ms latency; connecting through the OAuth consent flow..."
        )
        with contextlib.redirect_stdout(io.StringIO()):  # the consent URL the flow prints
            stack = start_local_stack(
                Path(tmp),
                days=DAYS,
                meetings_per_day=MEETINGS_PER_DAY,
                seed=SEED,
                latency_seconds=LATENCY,
            )
        try:
            requests = RequestLog(stack.emulator)
            workspace = stack.emulator.workspace
            yesterday = datetime.now(UTC).date() - timedelta(days=1)
            first = yesterday - timedelta(days=DAYS - 1)
            subset_first = yesterday - timedelta(days=SUBSET_DAYS - 1)

            log(f"Pipeline: {first}...{yesterday} as one run (Dagster CLI)...")
            fsync_before = fsync_milliseconds(Path(tmp))
            imports = []
            for attempt in range(1, max(args.repeat, 1) + 1):
                done = measure_import(stack, requests, first, yesterday, f"import-{attempt}")
                log(f"  run {attempt}: {done.run.wall_seconds:.1f}s, {done.requests} requests")
                imports.append(done)
            full = min(imports, key=lambda i: i.run.wall_seconds)
            full.all_walls = [i.run.wall_seconds for i in imports]
            full.max_rss_bytes = max(i.run.peak_rss_bytes for i in imports)
            log(f"Pipeline: {subset_first}...{yesterday} as one run...")
            small = measure_import(stack, requests, subset_first, yesterday, "import-3-days")
            log(f"  {small.run.wall_seconds:.1f}s, {small.requests} requests")
            log(f"Sequential baseline ({args.baseline_days} days)...")
            b_subset, b_rest, b_counts = run_baseline(
                stack, requests, first, yesterday, subset_first, args.baseline_days
            )
            fsync_after = fsync_milliseconds(Path(tmp))
        finally:
            stack.stop()
        log("History: 30 days past Meet's retention, transcripts from Docs...")
        history = measure_history(Path(tmp) / "history", MEETINGS_PER_DAY, SEED, LATENCY)
        log(f"  {history.wall_seconds:.1f}s, {history.per_meeting():.2f} requests per meeting")
    log(f"DuckDB: replace_slice of {DUCKDB_ROWS:,} transcript_entries rows...")
    writes = duckdb_writes.measure(DUCKDB_ROWS, DAYS)
    quota = None
    if not args.skip_quota:
        with tempfile.TemporaryDirectory(prefix="meetsync-bench-quota-") as tmp:
            quota = quota_run.measure(Path(tmp), SEED, LATENCY, log)

    box = machine.describe()
    box["load average (1, 5, 15 min) at start"] = load_at_start
    box["load average at end"] = "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())
    box["fsync latency (DAGSTER_HOME disk)"] = (
        f"{fsync_before:.1f} ms before the imports, {fsync_after:.1f} ms after the baseline"
    )
    report = build_report(
        args, workspace, full, small, b_subset, b_rest, b_counts, writes, box, quota
    )
    report = with_history(report, history)
    print(report.text)
    if not args.no_write:
        RESULTS.write_text(report.markdown, encoding="utf-8")
        log(f"Wrote {RESULTS}")
    log(f"Bench finished in {time.monotonic() - started:.0f}s")
    return 0


@dataclass
class Report:
    text: str
    markdown: str


def with_history(report: Report, history) -> Report:
    """The report with the history import's rows (bench.history) appended to the results."""
    from bench.history import history_rows

    rows = history_rows(history)
    text = (
        report.text
        + "\n\n"
        + "\n".join(f"{k.replace('**', '')}: {v.replace('**', '')}" for k, v in rows)
    )
    table = "\n".join(f"| {k.replace('  ', '&nbsp;&nbsp;')} | {v} |" for k, v in rows)
    section = (
        "### History past Meet's 30 days (bench.history)\n\n| measurement | value |\n"
        "| --- | --- |\n" + table + "\n\nEvery meeting there is past Meet's retention: its "
        "transcript comes from the Google Doc Meet wrote (`files.export`, one per Doc), or it "
        "is `expired` with the reason.\n\n"
    )
    marker = "## How it is measured"
    return Report(text, report.markdown.replace(marker, section + marker, 1))


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}s"


def build_report(
    args, workspace, full, small, b_subset, b_rest, b_counts, writes, box, quota=None
) -> Report:
    ms = LATENCY * 1000
    meetings = len(full.meetings)
    wall = full.run.wall_seconds
    lower = full.lower_bound()
    ratio = wall / lower
    n_short, short_mean, short_max = short_transcript_requests(full)
    served = statistics.fmean(full.served_seconds) if full.served_seconds else math.nan

    # The baseline ran the subset and then the days before it, back to back: together they
    # are its time for those days.
    b_seconds = b_subset.seconds + (b_rest.seconds if b_rest else 0.0)
    b_meetings = b_subset.meetings + (b_rest.meetings if b_rest else 0)
    b_entries = b_subset.entries + (b_rest.entries if b_rest else 0)
    b_requests = sum(b_counts.values())
    b_per_meeting = b_seconds / b_meetings
    p_per_meeting = wall / meetings
    speedup = b_per_meeting / p_per_meeting
    whole = args.baseline_days == DAYS
    b_label = f"{DAYS} days" if whole else f"{args.baseline_days} days, per meeting"
    s_meetings = len(small.meetings)
    b_subset_per = b_subset.seconds / b_subset.meetings
    small_speedup = b_subset_per / (small.run.wall_seconds / s_meetings)
    small_run = small.run.run_seconds
    small_run_speedup = b_subset_per / (small_run / s_meetings) if small_run else math.nan
    rss_mb = max(full.max_rss_bytes, full.run.peak_rss_bytes) / 1e6
    rate = min(writes.first_write_rate, writes.rewrite_rate)

    checks = [
        (
            f"≥ {TARGET_SPEEDUP:.0f}× faster than the sequential baseline",
            speedup >= TARGET_SPEEDUP,
            f"{speedup:.1f}×",
        ),
        (
            f"within {TARGET_LOWER_BOUND_RATIO:.0f}× of the lower bound",
            ratio <= TARGET_LOWER_BOUND_RATIO,
            f"{ratio:.2f}×",
        ),
        (
            f"≤ {TARGET_SHORT_REQUESTS:.0f} requests per meeting with a short transcript",
            short_mean <= TARGET_SHORT_REQUESTS,
            f"{short_mean:.2f}",
        ),
        (f"peak RSS < {TARGET_RSS_MB:.0f} MB", rss_mb < TARGET_RSS_MB, f"{rss_mb:.0f} MB"),
        (
            f"DuckDB ≥ {TARGET_DUCKDB_RATE / 1000:.0f}k transcript entries/s",
            rate >= TARGET_DUCKDB_RATE,
            f"{rate / 1000:.0f}k/s",
        ),
    ]
    if quota is not None:
        checks += quota_run.checks(quota)
    passed = sum(ok for _, ok, _ in checks)

    run_seconds = full.run.run_seconds
    startup = wall - run_seconds if run_seconds else None
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in full.run.step_seconds.items()) or "n/a"
    fetch = full.run.step_seconds.get("meet_transcripts")
    run_ratio = f"{run_seconds / lower:.2f}×" if run_seconds else "n/a"
    rows = [
        (
            "Workload",
            f"{DAYS} days: {len(workspace.events)} calendar events, {meetings} Meet meetings "
            f"imported, {full.entries:,} transcript entries",
        ),
        ("Latency injected", f"{ms:.0f} ms on every request (emulator)"),
        (
            "Rate limiter",
            "off: MEETSYNC_CALENDAR_QPM=0, MEETSYNC_MEET_QPM=0, MEETSYNC_DRIVE_QPM=0 "
            "(no emulator quota)",
        ),
        (
            "**Wall time, 30-day import (one run)**",
            f"**{wall:.1f}s** (fastest of {len(full.all_walls)}: "
            + ", ".join(f"{w:.1f}s" for w in full.all_walls)
            + ")",
        ),
        ("  of which process start-up", f"{_seconds(startup)} (CLI, code location, run launch)"),
        ("  of which the Dagster run", f"{_seconds(run_seconds)}: {steps}"),
        (
            "Dagster event log",
            f"{full.run.dagster_events or 0} events written to SQLite (fsync "
            f"{box['fsync latency (DAGSTER_HOME disk)']})",
        ),
        (
            "CPU time",
            f"pipeline process tree {full.run.cpu_seconds:.1f}s, emulator (bench process) "
            f"{full.run.bench_cpu_seconds:.1f}s, on {box['nproc']} CPUs",
        ),
        ("**Meetings/s**", f"**{meetings / wall:.1f}**"),
        (
            "Google requests (OAuth excluded)",
            f"{full.requests} ({full.calendar_requests} Calendar, "
            f"{full.meet_requests - full.drive_requests} Meet, {full.drive_requests} Drive)",
        ),
        ("**Requests per imported meeting**", f"**{full.requests / meetings:.2f}**"),
        (
            "**Requests per meeting with a short transcript** (≤100 entries)",
            f"**{short_mean:.2f}** mean, {short_max:.0f} max, over {n_short} meetings",
        ),
        (
            "Lower bound",
            f"{lower:.2f}s = {full.calendar_requests} × {ms:.0f} ms + max({full.meet_requests} "
            f"× {ms:.0f} ms ÷ {WORKERS}, {full.longest_chain} × {ms:.0f} ms)",
        ),
        (
            "**Wall time ÷ lower bound**",
            f"**{ratio:.2f}×** (Dagster run only: {run_ratio}; meet_transcripts step "
            f"{_seconds(fetch)})",
        ),
        (
            "Time per request inside the emulator",
            f"{served * 1000:.1f} ms mean (the {ms:.0f} ms latency plus serving)",
        ),
        (
            "**Peak RSS**, pipeline process tree",
            f"**{rss_mb:.0f} MB**: the CLI process {mb(full.run.main_rss_bytes)} + "
            f"{len(full.run.helpers)} helper(s) {mb(full.run.helper_rss_bytes)} "
            f"({', '.join(sorted(set(full.run.helpers))) or 'none'})",
        ),
        (
            f"Sequential baseline, {b_label}",
            f"{b_seconds:.1f}s for {b_meetings} meetings, {b_requests} requests "
            f"({b_requests / b_meetings:.2f}/meeting), {b_entries:,} entries",
        ),
        (
            "Time per meeting",
            f"baseline {b_per_meeting * 1000:.0f} ms, pipeline {p_per_meeting * 1000:.1f} ms",
        ),
        ("**Speed-up over the sequential baseline**", f"**{speedup:.1f}×**"),
        (
            f"Only the last {SUBSET_DAYS} days, both",
            f"pipeline {small.run.wall_seconds:.1f}s (Dagster run {_seconds(small_run)}), "
            f"{s_meetings} meetings, {small.requests} requests; baseline "
            f"{b_subset.seconds:.1f}s, {b_subset.meetings} meetings: speed-up "
            f"{small_speedup:.1f}× ({small_run_speedup:.1f}× without process start-up)",
        ),
        (
            "**DuckDB writes** (replace_slice)",
            f"**{rate / 1000:.0f}k entries/s**: {writes.rows:,} rows, {writes.days} days, "
            f"{writes.first_write_seconds:.2f}s into an empty table "
            f"({writes.first_write_rate / 1000:.0f}k/s), {writes.rewrite_seconds:.2f}s "
            f"replacing them ({writes.rewrite_rate / 1000:.0f}k/s)",
        ),
    ]
    summary = f"SUMMARY: {passed}/{len(checks)} targets passed" + (
        ""
        if passed == len(checks)
        else " (FAIL: " + "; ".join(name for name, ok, _ in checks if not ok) + ")"
    )
    load = float(box["load average (1, 5, 15 min) at start"].split(",")[0])
    if load > 0.5 * int(box["nproc"]):
        summary += (
            f"\nWARNING: the machine was busy (load average {load:.2f} on {box['nproc']} CPUs "
            "at start): the timings are inflated by other processes."
        )
    markdown = _markdown(args, full, b_counts, b_label, writes, box, rows, checks, summary, quota)
    quota_rows = quota_run.rows(quota) if quota is not None else []
    text = "\n".join(
        [
            "",
            *(f"{k.replace('**', '')}: {v.replace('**', '')}" for k, v in rows + quota_rows),
            "",
            f"Lower bound = Calendar requests × latency + max(Meet requests × latency ÷ "
            f"{WORKERS} workers, longest chain of dependent requests of one meeting × latency)",
            "",
            *(f"{verdict(ok)}  {name}: {value}" for name, ok, value in checks),
            "",
            summary,
        ]
    )
    return Report(text, markdown)


def _markdown(args, full, b_counts, b_label, writes, box, rows, checks, summary, quota) -> str:
    methods = "\n".join(
        f"| {method} | {full.counts.get(method, 0)} | {b_counts.get(method, 0)} |"
        for method in sorted(set(full.counts) | set(b_counts))
    )
    statuses = "\n".join(
        f"| {label} | {count} | {mean:.2f} |" for label, count, mean in per_status(full)
    )
    targets = "\n".join(f"| {name} | {value} | {verdict(ok)} |" for name, ok, value in checks)
    table = "\n".join(f"| {k.replace('  ', '&nbsp;&nbsp;')} | {v} |" for k, v in rows)
    box_table = "\n".join(f"| {k} | {v} |" for k, v in box.items())
    quota_section = quota_run.markdown(quota) if quota is not None else ""
    return f"""# meetsync benchmark

`make bench` (`python -m bench.run`), {box["date"]}. Regenerated by every run.

## Targets

| target | measured | result |
| --- | --- | --- |
{targets}

{summary}

## Results

| measurement | value |
| --- | --- |
{table}

### Google requests by method

| method | pipeline, {DAYS} days | sequential baseline, {b_label} |
| --- | --- | --- |
{methods}

### Pipeline requests per meeting, by transcript status

| meetings | count | requests per meeting |
| --- | --- | --- |
{statuses}

## How it is measured

- **Setup**: `cli.local_stack.start_local_stack` starts the bundled emulator on
  `generate_workspace(seed={SEED}, end_date=yesterday, days={DAYS},
  meetings_per_day={MEETINGS_PER_DAY}, now=now)` (weekends get a fifth of the meetings;
  transcripts of 5-40 entries, one of 2,000) with `FaultConfig(latency_seconds={LATENCY})`, and
  connects through the real OAuth consent flow. The request-rate limiter is **off**
  (`MEETSYNC_CALENDAR_QPM=0`, `MEETSYNC_MEET_QPM=0`); the emulator enforces no quota.
  Workers: {WORKERS} (the default).
- **Wall time**: `dagster asset materialize -m pipelines.definitions --select '*'
  --partition-range FIRST...LAST` in a child process, from spawn to exit: Python and Dagster
  start-up and loading the code location included, as an analyst experiences a backfill. The
  run's and steps' durations come from the run's event log. Meetings/s = imported Meet
  meetings (rows of `transcripts`) ÷ wall time.
- **Requests**: the emulator's `request_counts`, OAuth endpoints excluded. To attribute them to
  meetings the bench also records each request's path and query (it wraps the running
  emulator's `handle`): Calendar requests are shared by every imported meeting, a conference
  records search by the meetings with that meeting code (a recurring series shares one), and a
  request under `conferenceRecords/<id>/` goes to the meeting the pipeline assigned that record
  to (`conference_records` table). A short transcript = status `available` with
  1-{SHORT_TRANSCRIPT} entries.
- **Lower bound** = Calendar requests × latency (the event pages form a chain, and the Meet
  step needs the events) + max(Meet requests × latency ÷ {WORKERS} workers, the longest chain of
  dependent requests of one meeting × latency). It counts only the injected latency of the
  requests the pipeline actually made: no CPU, no DuckDB, no serving time, no process start-up.
- **Peak RSS**: the CLI process's high-water mark (its last `VmHWM`, or
  `getrusage(RUSAGE_CHILDREN).ru_maxrss` after it exits when that is higher than the bench
  process's own peak: a child started with vfork inherits the parent's high-water mark at
  exec, so a lower figure is the bench's, not the pipeline's) plus the `VmHWM` of each of its
  descendants (Dagster's
  compute-log `tee` and `watch_orphans.py` helpers), polled every 20 ms from `/proc`: an upper
  bound, as if every process peaked at once. The highest over the repetitions.
- **Sequential baseline** (`bench/baseline.py`): google-api-python-client directly, one request
  at a time, no `fields`, default page sizes (events 250, records 25, transcripts 10,
  participants 100, entries 10), one records search per meeting: the events, then per Meet
  meeting its conference records, then per record its transcripts, participants (when a
  transcript is usable) and entries. Same emulator and latency; it only fetches (writes
  nothing). It ran the last {SUBSET_DAYS} days, then the {args.baseline_days - SUBSET_DAYS}
  days before them; the speed-up compares time per meeting ({b_label}). The "last
  {SUBSET_DAYS} days" row also imports only those days with the pipeline, where the fixed cost
  of starting Dagster weighs most.
- **DuckDB**: `assets.warehouse.replace_slice` writing {writes.rows:,} synthetic
  `transcript_entries` rows (the pipeline's schema and dtypes, corpus utterances,
  {writes.days} daily partitions) into a fresh temp DuckDB file in one transaction, then
  replacing the same slice; the target uses the slower of the two.
- The machine is shared: other processes (see the load averages) add noise to every timing.

{quota_section}
## Machine

| | |
| --- | --- |
{box_table}
"""


if __name__ == "__main__":
    sys.exit(main())
