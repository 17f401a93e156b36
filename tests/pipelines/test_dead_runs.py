"""Judging whether a run's worker process is alive: pure logic, and real processes in /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from pipelines.dead_runs import (
    Liveness,
    Machine,
    ProcessStat,
    WorkerIdentity,
    check,
    judge,
    parse_stat,
    process_stat,
    this_machine,
    this_worker,
)

HERE = Machine(host="vm", boot_id="boot-1")
WORKER = WorkerIdentity(host="vm", boot_id="boot-1", pid=4242, start_ticks=1000)

needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")


def test_stat_fields_are_counted_after_the_last_parenthesis():
    rest = " ".join(["S", *[str(n) for n in range(4, 22)], "778899", "0"])
    assert parse_stat(f"123 (dagster) {rest}") == ProcessStat("S", 778899)
    assert parse_stat(f"123 (a (b) c) d) {rest}") == ProcessStat("S", 778899)


@pytest.mark.parametrize(
    ("machine", "process", "liveness", "reason"),
    [
        (HERE, ProcessStat("S", 1000), Liveness.ALIVE, "process 4242 is running"),
        (HERE, ProcessStat("R", 1000), Liveness.ALIVE, "process 4242 is running"),
        (HERE, None, Liveness.GONE, "no process has pid 4242"),
        (HERE, ProcessStat("S", 1001), Liveness.GONE, "pid 4242 now belongs to another"),
        (HERE, ProcessStat("Z", 1000), Liveness.GONE, "process 4242 has exited"),
        (Machine("vm", "boot-2"), ProcessStat("S", 1000), Liveness.GONE, "vm has restarted"),
        (Machine("other", "boot-1"), None, Liveness.OTHER_HOST, "worker ran on vm"),
        (Machine("vm", None), None, Liveness.UNKNOWN, "no /proc"),
    ],
)
def test_judge(machine, process, liveness, reason):
    verdict = judge(WORKER, machine, process)
    assert verdict.liveness is liveness
    assert reason in verdict.reason


def test_a_worker_on_another_host_is_never_gone_even_with_no_such_pid_here():
    elsewhere = WorkerIdentity("db-host", "boot-1", 4242, 1000)
    assert judge(elsewhere, HERE, None).liveness is Liveness.OTHER_HOST


def test_identity_round_trips_through_run_tags_and_bad_tags_are_not_judged():
    tags = WORKER.as_tags()
    assert WorkerIdentity.from_tags({**tags, "dagster/partition": "2026-11-24"}) == WORKER
    assert WorkerIdentity.from_tags({}) is None
    assert WorkerIdentity.from_tags({**tags, "meetsync/worker_pid": "x"}) is None
    without_boot = {k: v for k, v in tags.items() if not k.endswith("boot_id")}
    assert WorkerIdentity.from_tags(without_boot) is None


@needs_proc
def test_this_process_is_alive():
    me = this_worker()
    assert me is not None and me.pid == os.getpid()
    assert check(me).liveness is Liveness.ALIVE


@needs_proc
def test_a_killed_process_is_gone_as_zombie_and_once_reaped():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stat = process_stat(child.pid)
    assert stat is not None
    machine = this_machine()
    recorded = WorkerIdentity(machine.host, machine.boot_id, child.pid, stat.start_ticks)
    assert check(recorded).liveness is Liveness.ALIVE

    os.kill(child.pid, signal.SIGKILL)
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # dead, not reaped: a zombie
    zombie = check(recorded)
    assert zombie.liveness is Liveness.GONE and "has exited" in zombie.reason

    child.wait()
    reaped = check(recorded)
    assert reaped.liveness is Liveness.GONE
    assert "no process has pid" in reaped.reason or "another" in reaped.reason


@needs_proc
def test_a_live_process_with_another_start_time_is_not_the_recorded_worker():
    """What a recycled pid looks like: a live process at the pid, started at another time."""
    me = this_worker()
    assert me is not None
    recycled = WorkerIdentity(me.host, me.boot_id, me.pid, me.start_ticks - 1)
    verdict = check(recycled)
    assert verdict.liveness is Liveness.GONE and "another, newer process" in verdict.reason


@needs_proc
def test_a_worker_recorded_before_a_reboot_is_gone():
    me = this_worker()
    assert me is not None
    before_reboot = WorkerIdentity(me.host, "an-earlier-boot", me.pid, me.start_ticks)
    assert check(before_reboot).liveness is Liveness.GONE
