"""``meetsync emulator``: serve a generated workspace until Ctrl-C."""

from __future__ import annotations

import threading

from emulator.apis.oauth import LOOPBACK_HOSTS
from emulator.data.workspace import recent_workspace
from emulator.wire.faults import FaultConfig
from emulator.wire.quota import QuotaConfig
from emulator.wire.server import DEFAULT_CLIENTS, Emulator


def serve(
    host: str,
    port: int,
    seed: int,
    days: int,
    meetings_per_day: int,
    timezone: str,
    latency: float,
    error_rate: float,
    quota: int = 0,
) -> None:
    """Generate a workspace ending yesterday and serve it on ``host:port`` until Ctrl-C."""
    if host not in LOOPBACK_HOSTS:
        raise SystemExit(f"refusing to serve on {host!r}: the emulator binds to loopback only")
    workspace = recent_workspace(seed, days, meetings_per_day, timezone)
    faults = FaultConfig(latency_seconds=latency, error_rate=error_rate, seed=seed)
    limits = QuotaConfig(requests_per_minute=quota)
    emulator = Emulator(workspace, faults=faults, host=host, port=port, quota=limits).start()
    client_id, secret = next(iter(DEFAULT_CLIENTS.items()))
    print(f"Google Workspace emulator listening on {emulator.url}")
    print(f"  account:       {workspace.account_email} ({workspace.calendar_timezone})")
    print(f"  events:        {len(workspace.events)} over {days} days")
    print(f"  client id:     {client_id}")
    print(f"  client secret: {secret}")
    if quota > 0:
        print(f"  quota:         {quota} requests per minute per user to each API")
    print(f"  point meetsync at it with GOOGLE_API_ENDPOINT={emulator.url}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\nstopping")
    finally:
        emulator.stop()
