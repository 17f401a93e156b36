"""`make ui`: the Dagster UI (`dagster dev`) on the emulator and the demo's DuckDB file.

Starts the Google Workspace emulator in this process (on a fixed port, 8765 by default, so
the URL stays the same between sessions), connects meetsync to it through the real OAuth
consent flow, then runs ``dagster dev -w workspace.yaml`` as a child process with the
environment that points at the emulator, ``data/demo/meetsync.duckdb`` (the demo's file: after
`make demo` the UI shows its data) and ``data/demo/dagster_home``. Ctrl-C (or SIGTERM) stops
``dagster dev`` gracefully, then the emulator.

    python -m cli.ui [--host 127.0.0.1] [--port 3000] [--emulator-port 8765]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from cli.demo_paths import DEMO_DIRECTORY
from cli.local_stack import PROJECT_ROOT, start_local_stack

WORKDIR = PROJECT_ROOT / DEMO_DIRECTORY
DEFAULT_EMULATOR_PORT = 8765
STARTUP_TIMEOUT_SECONDS = 180.0
SHUTDOWN_TIMEOUT_SECONDS = 30.0


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the emulator's HTTP server does: a port in TIME_WAIT counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def emulator_port(wanted: int) -> int:
    """``wanted`` when it can be bound, else 0 (any free port)."""
    if wanted and not port_is_free(wanted):
        print(f"Port {wanted} is busy: the emulator takes a free port instead.", flush=True)
        return 0
    return wanted


def browse_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def dagster_dev_command(host: str, port: int) -> list[str]:
    return [
        str(Path(sys.executable).with_name("dagster")),
        "dev",
        "-w",
        str(PROJECT_ROOT / "workspace.yaml"),
        "-h",
        host,
        "-p",
        str(port),
    ]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> bool:
    """True once ``url``/server_info answers; False if the process exits or time runs out."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with opener.open(f"{url}/server_info", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


class Supervisor:
    """Runs ``dagster dev`` in its own process group and turns our SIGINT/SIGTERM into one
    graceful SIGINT for it (a second one kills its whole group)."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command, self.env = command, env
        self.process: subprocess.Popen | None = None
        self.signals = 0

    def start(self) -> subprocess.Popen:
        # A session of its own: the terminal's Ctrl-C reaches only us, and we forward it
        # once, so dagster dev's shutdown of its webserver and daemon is not interrupted.
        # Our handlers go in first: a SIGINT ignored here (a shell's background job) would
        # stay ignored in the child, and dagster dev could then not be stopped gracefully.
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=PROJECT_ROOT, start_new_session=True
        )
        return self.process

    def _on_signal(self, signum: int, frame: object) -> None:
        self.signals += 1
        if self.process is None or self.process.poll() is not None:
            return
        # No wait() in here: the main thread may be inside wait() already.
        if self.signals == 1:
            print("\nStopping dagster dev...", flush=True)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGINT)
        else:
            print("\nKilling dagster dev...", flush=True)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """Graceful stop (SIGINT, then SIGKILL of the group after a timeout), then end what
        is left of its group (a run still executing, for instance)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m cli.ui",
        description="Dagster UI (dagster dev) on the emulator and the demo's DuckDB file.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="UI host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3000, help="UI port (default 3000)")
    parser.add_argument(
        "--emulator-port",
        type=int,
        default=DEFAULT_EMULATOR_PORT,
        help=f"emulator port (default {DEFAULT_EMULATOR_PORT}; a free one if busy)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    print("Starting the Google Workspace emulator and connecting (OAuth consent flow)...")
    stack = start_local_stack(WORKDIR, port=emulator_port(args.emulator_port))
    supervisor = Supervisor(dagster_dev_command(args.host, args.port), {**os.environ, **stack.env})
    try:
        print(f"Active {stack.connection.account_email}  (emulator at {stack.emulator.url})")
        print(f"DuckDB file: {stack.settings.duckdb_path}")
        print(f"DAGSTER_HOME: {stack.env['DAGSTER_HOME']}", flush=True)
        process = supervisor.start()
        url = browse_url(args.host, args.port)
        if wait_until_up(url, process, STARTUP_TIMEOUT_SECONDS):
            print(f"\nDagster UI: {url}  (Ctrl-C to stop)\n", flush=True)
        returncode = process.wait()
        return 0 if supervisor.signals else returncode
    finally:
        supervisor.stop()
        stack.stop()
        print("Emulator stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
