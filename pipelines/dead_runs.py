"""Runs whose worker process died (``kill -9``, the OOM killer, a reboot) are marked failed.

A killed run never reports its own end, so Dagster shows it as running forever. Every run of
this code location records who its worker process is before its first step (the executor,
``pipelines.executors``), and two places look for recorded workers that are gone with
``fail_runs_with_dead_workers``: every run before its first step, and the sensor
``dead_run_workers`` (``pipelines.sensors``) every 30 seconds while the Dagster daemon runs.

Is a run's worker process still alive? Judged from what the worker recorded about itself.
When its steps start, a run worker records the machine it runs on (host name and the kernel's
boot id) and which process it is: its pid and its start time (clock ticks after boot, field 22
of ``/proc/<pid>/stat``). During one boot, (pid, start time) names one process only: a pid the
kernel hands out again later belongs to a process with a later start time. So, seen from this
machine, a recorded worker is

- ``OTHER_HOST`` when it was recorded on another machine: never judged from here;
- ``GONE`` when this machine has restarted since, no process has that pid, the pid now belongs
  to another process (another start time), or the process has exited and is a zombie;
- ``ALIVE`` otherwise;
- ``UNKNOWN`` where there is no ``/proc`` (not Linux): nothing is judged.

Only a worker proven gone gets its run reported failed, with the reason; any Dagster
concurrency slot the run still held is freed. A run that never recorded its worker is never
touched. Nothing here is needed to let the next run write: DuckDB's file lock dies with the
process.
"""

from __future__ import annotations

import enum
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

PROC = Path("/proc")
TAG_PREFIX = "meetsync/worker_"
HOST_TAG = f"{TAG_PREFIX}host"
_EXITED_STATES = frozenset({"Z", "X"})  # zombie (exited, not reaped yet), dead


class Liveness(enum.Enum):
    ALIVE = "alive"
    GONE = "gone"
    OTHER_HOST = "other host"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class WorkerIdentity:
    """Who a run worker is: machine (host name, boot id) and process (pid, start ticks)."""

    host: str
    boot_id: str
    pid: int
    start_ticks: int

    def as_tags(self) -> dict[str, str]:
        return {
            f"{TAG_PREFIX}host": self.host,
            f"{TAG_PREFIX}boot_id": self.boot_id,
            f"{TAG_PREFIX}pid": str(self.pid),
            f"{TAG_PREFIX}start_ticks": str(self.start_ticks),
        }

    @classmethod
    def from_tags(cls, tags: Mapping[str, str]) -> WorkerIdentity | None:
        """The identity in a run's tags; None when a tag is missing or malformed (such a run is
        never judged)."""
        try:
            return cls(
                host=tags[f"{TAG_PREFIX}host"],
                boot_id=tags[f"{TAG_PREFIX}boot_id"],
                pid=int(tags[f"{TAG_PREFIX}pid"]),
                start_ticks=int(tags[f"{TAG_PREFIX}start_ticks"]),
            )
        except (KeyError, ValueError):
            return None


@dataclass(frozen=True)
class Machine:
    """This machine as /proc shows it now: host name and boot id (None without /proc)."""

    host: str
    boot_id: str | None


@dataclass(frozen=True)
class ProcessStat:
    """The two fields of ``/proc/<pid>/stat`` that matter here."""

    state: str
    start_ticks: int


@dataclass(frozen=True)
class Verdict:
    liveness: Liveness
    reason: str


def parse_stat(text: str) -> ProcessStat:
    """State and start time from the text of ``/proc/<pid>/stat``. The command name (field 2)
    is in parentheses and may itself contain spaces and parentheses: fields are counted after
    its last closing parenthesis."""
    after_name = text[text.rindex(")") + 1 :].split()
    return ProcessStat(state=after_name[0], start_ticks=int(after_name[19]))


def judge(recorded: WorkerIdentity, machine: Machine, process: ProcessStat | None) -> Verdict:
    """Whether the recorded worker still runs, given this machine and what /proc shows now at
    the recorded pid (None: no such process)."""
    pid = recorded.pid
    if recorded.host != machine.host:
        return Verdict(Liveness.OTHER_HOST, f"worker ran on {recorded.host}, not here")
    if machine.boot_id is None:
        return Verdict(Liveness.UNKNOWN, "no /proc here to look the process up")
    if recorded.boot_id != machine.boot_id:
        return Verdict(Liveness.GONE, f"{machine.host} has restarted since process {pid} began")
    if process is None:
        return Verdict(Liveness.GONE, f"no process has pid {pid} any more")
    if process.start_ticks != recorded.start_ticks:
        return Verdict(Liveness.GONE, f"pid {pid} now belongs to another, newer process")
    if process.state in _EXITED_STATES:
        return Verdict(Liveness.GONE, f"process {pid} has exited (state {process.state})")
    return Verdict(Liveness.ALIVE, f"process {pid} is running")


# ----- /proc ---------------------------------------------------------------------------------


def this_machine(proc: Path = PROC) -> Machine:
    try:
        boot_id = (proc / "sys" / "kernel" / "random" / "boot_id").read_text().strip() or None
    except OSError:
        boot_id = None
    return Machine(host=socket.gethostname(), boot_id=boot_id)


def process_stat(pid: int, proc: Path = PROC) -> ProcessStat | None:
    """What /proc shows at ``pid``; None when no process has it."""
    try:
        return parse_stat((proc / str(pid) / "stat").read_text())
    except (FileNotFoundError, ProcessLookupError):
        return None


def this_worker(proc: Path = PROC) -> WorkerIdentity | None:
    """The identity of the calling process; None without /proc."""
    machine = this_machine(proc)
    stat = process_stat(os.getpid(), proc)
    if machine.boot_id is None or stat is None:
        return None
    return WorkerIdentity(machine.host, machine.boot_id, os.getpid(), stat.start_ticks)


def check(recorded: WorkerIdentity, proc: Path = PROC) -> Verdict:
    """``judge`` with this machine and its /proc as they are now."""
    machine = this_machine(proc)
    if recorded.host != machine.host or machine.boot_id is None:
        return judge(recorded, machine, None)
    return judge(recorded, machine, process_stat(recorded.pid, proc))


@dataclass(frozen=True)
class DeadRun:
    run_id: str
    pid: int
    reason: str


def failure_message(pid: int, reason: str, noticed_by: str) -> str:
    return (
        f"Run worker process {pid} is gone ({reason}): killed, crashed or its machine "
        f"restarted. Marked failed by {noticed_by}. Each table keeps its previous slice or "
        "the new one, never a mix; re-execute the run to import its partitions."
    )


def fail_runs_with_dead_workers(instance: dg.DagsterInstance, noticed_by: str) -> list[DeadRun]:
    """Report failed every started run of ``instance`` whose worker, recorded on this machine,
    is gone; free the concurrency slots it held. The runs reported."""
    machine = this_machine()
    if machine.boot_id is None:
        return []
    started = instance.get_runs(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED], tags={HOST_TAG: machine.host})
    )
    dead = []
    for run in started:
        recorded = WorkerIdentity.from_tags(run.tags)
        if recorded is None:
            continue
        verdict = check(recorded)
        if verdict.liveness is not Liveness.GONE:
            continue
        current = instance.get_run_by_id(run.run_id)
        if current is None or current.status != dg.DagsterRunStatus.STARTED:
            continue  # it ended meanwhile, or someone else reported it
        instance.report_run_failed(
            current, message=failure_message(recorded.pid, verdict.reason, noticed_by)
        )
        if instance.event_log_storage.supports_global_concurrency_limits:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        dead.append(DeadRun(run.run_id, recorded.pid, verdict.reason))
    return dead


def describe(dead: list[DeadRun]) -> str:
    if not dead:
        return "No run of this machine has lost its worker process"
    return "Marked failed: " + "; ".join(
        f"run {run.run_id} (worker process {run.pid}: {run.reason})" for run in dead
    )
