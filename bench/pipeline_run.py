"""One `dagster asset materialize` run of the real Definitions, timed and memory-watched."""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cli.backfill import materialize_command

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.02


@dataclass
class CliRun:
    first: date
    last: date
    wall_seconds: float
    returncode: int
    log_path: Path
    main_rss_bytes: int  # the CLI process itself: its last VmHWM (or ru_maxrss, if higher)
    helper_rss_bytes: int  # its descendants: the sum of each one's VmHWM
    helpers: list[str]  # the descendants' names
    ru_maxrss_bytes: int  # RUSAGE_CHILDREN after the run (largest waited-for process)
    cpu_seconds: float  # user + system CPU of the CLI process and its descendants
    bench_cpu_seconds: float  # CPU of this process meanwhile: mostly the emulator serving

    @property
    def peak_rss_bytes(self) -> int:
        """An upper bound of the tree's simultaneous RSS: every process at its peak at once."""
        return self.main_rss_bytes + self.helper_rss_bytes

    run_seconds: float | None = None  # Dagster's own run start to end
    dagster_events: int | None = None  # events the run wrote to the SQLite event log
    step_seconds: dict[str, float] = field(default_factory=dict)


def _status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="utf-8") as children:
                found += [int(c) for c in children.read().split()]
    except OSError:
        pass
    return found


def _tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += _children(pid)
    return pids


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            argv = [a.decode(errors="replace") for a in cmdline.read().split(b"\0") if a]
    except OSError:
        return "?"
    script = next((a for a in argv[1:] if a.endswith(".py")), None)
    return Path(script or (argv[0] if argv else "?")).name


class TreeMemoryWatcher(threading.Thread):
    """Polls /proc for a process and its descendants, keeping each one's latest VmHWM.

    The LATEST reading, not the largest: a child caught between fork and exec still shows
    its parent's pages, and its high-water mark restarts at exec.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.hwm_kib: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            for pid in _tree(self.pid):
                hwm = _status_kib(pid, "VmHWM")
                if hwm:
                    self.hwm_kib[pid] = hwm
                    self.names[pid] = _name(pid)
            self._halt.wait(POLL_SECONDS)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def materialize(first: date, last: date, env: dict[str, str], log_path: Path) -> CliRun:
    """`dagster asset materialize -m pipelines.definitions --select '*' --partition-range`,
    exactly as an analyst runs a backfill: one run over [first, last]."""
    command = materialize_command(first, last)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    with log_path.open("w") as out:
        started = time.monotonic()
        child = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=out, stderr=out, cwd=PROJECT_ROOT
        )
        watcher = TreeMemoryWatcher(child.pid)
        watcher.start()
        returncode = child.wait()
        wall = time.monotonic() - started
        watcher.stop()
    # The largest of every child and descendant this process has waited for so far; the
    # pipeline's run is the first (and largest) child, later runs may only be reported lower.
    # A child started with vfork (as subprocess does) inherits this process's high-water mark
    # at exec, so the figure says something about the pipeline only when it is above our own.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    usage = children.ru_maxrss * 1024 if children.ru_maxrss > own.ru_maxrss else 0
    helpers = {pid: kib for pid, kib in watcher.hwm_kib.items() if pid != child.pid}
    return CliRun(
        first=first,
        last=last,
        wall_seconds=wall,
        returncode=returncode,
        log_path=log_path,
        main_rss_bytes=max(watcher.hwm_kib.get(child.pid, 0) * 1024, usage),
        helper_rss_bytes=sum(helpers.values()) * 1024,
        helpers=sorted(watcher.names[pid] for pid in helpers),
        ru_maxrss_bytes=usage,
        cpu_seconds=_cpu(children) - _cpu(children_before),
        bench_cpu_seconds=_cpu(own) - _cpu(self_before),
    )


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def add_dagster_timings(run: CliRun) -> None:
    """The run's and each step's duration from the run's DAGSTER_HOME event log."""
    import dagster as dg

    instance = dg.DagsterInstance.get()
    records = instance.get_runs(limit=1)
    if not records:
        return
    run_id = records[0].run_id
    run.dagster_events = len(instance.all_logs(run_id))
    stats = instance.get_run_stats(run_id)
    if stats.start_time and stats.end_time:
        run.run_seconds = stats.end_time - stats.start_time
    for step in instance.get_run_step_stats(run_id):
        if step.start_time and step.end_time:
            run.step_seconds[step.step_key] = step.end_time - step.start_time


def fsync_milliseconds(directory: Path, count: int = 40) -> float:
    """Mean latency of a small write plus fsync in ``directory`` (SQLite commits pay this)."""
    probe = directory / ".fsync-probe"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        started = time.perf_counter()
        for _ in range(count):
            os.write(fd, b"x" * 100)
            os.fsync(fd)
        return (time.perf_counter() - started) / count * 1000
    finally:
        os.close(fd)
        probe.unlink()
