"""`make demo`: the whole pipeline against the emulator, then a look at the result.

Starts the emulator with a seeded workspace, connects through the real OAuth flow,
materializes the last 45 days as ONE run with the Dagster CLI, and prints what landed in
DuckDB: the last 30 days' transcripts come from Meet's API, older ones (Meet keeps 30 days)
from the Google Docs Meet wrote.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from cli.backfill import materialize_command
from cli.demo_paths import DEMO_DIRECTORY
from cli.local_stack import PROJECT_ROOT, start_local_stack

DAYS = 45


def shown_command(command: list[str]) -> str:
    """``command`` as one would type it in the project's root: shell-quoted, the program
    relative to the root when it lies inside (``.venv/bin/dagster``)."""
    program = Path(command[0])
    if program.is_relative_to(PROJECT_ROOT):
        program = program.relative_to(PROJECT_ROOT)
    return shlex.join([str(program), *command[1:]])


def materialize(first: date, last: date, env: dict[str, str], log: Path) -> None:
    command = materialize_command(first, last)
    print(f"$ DAGSTER_HOME={shlex.quote(shown_path(Path(env['DAGSTER_HOME'])))} ", end="")
    print(shown_command(command), flush=True)
    with log.open("w") as out:
        done = subprocess.run(
            command, env={**os.environ, **env}, stdout=out, stderr=out, cwd=PROJECT_ROOT
        )
    if done.returncode != 0:
        print(log.read_text()[-5000:])
        raise SystemExit(f"materialization failed; full log in {log}")
    print(f"  one run, log in {log}")


def shown_path(path: Path) -> str:
    """``path`` relative to the project's root when it lies inside, as the README's commands
    (run from the root) write it."""
    path = path.resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def report(database: Path) -> None:
    with duckdb.connect(str(database), read_only=True) as conn:
        print("\nMeetings per day (meetings view):")
        print(
            conn.sql(
                "SELECT partition_date AS day, count(*) AS meetings, "
                "count(*) FILTER (transcript_status = 'available') AS with_transcript, "
                "count(*) FILTER (transcript_status = 'pending') AS pending, "
                "sum(len(attendees)) AS attendees "
                "FROM meetings GROUP BY ALL ORDER BY day"
            )
        )
        print("Transcript statuses and sources (meet_api: Meet's 30 days; drive_doc: history):")
        print(
            conn.sql(
                "SELECT transcript_status, transcript_source, count(*) AS meetings, "
                "min(partition_date) AS first_day, max(partition_date) AS last_day "
                "FROM meetings GROUP BY ALL ORDER BY 3 DESC"
            )
        )
        print("Why older meetings have no transcript (transcripts.status_detail):")
        print(
            conn.sql(
                "SELECT regexp_replace(status_detail, 'Doc [A-Za-z0-9_-]{20,} ', 'Doc … ') "
                "AS reason, count(*) AS meetings FROM transcripts "
                "WHERE transcript_status = 'expired' GROUP BY ALL ORDER BY 2 DESC"
            )
        )
        for source in ("meet_api", "drive_doc"):
            row = conn.execute(
                "SELECT title, start_time, transcript FROM meetings WHERE transcript_source = ? "
                "ORDER BY start_time DESC LIMIT 1",
                [source],
            ).fetchone()
            if row:
                print(f"A transcript from {source}: {row[0]} ({row[1]:%Y-%m-%d %H:%M %Z})")
                for line in row[2].splitlines()[:4]:
                    print(f"  {line}")
        print("\nTables:", ", ".join(r[0] for r in conn.execute("SHOW TABLES").fetchall()))


def main() -> None:
    started = time.monotonic()
    workdir = PROJECT_ROOT / DEMO_DIRECTORY
    if workdir.exists():
        for path in ("meetsync.duckdb", "meetsync.duckdb.wal"):
            (workdir / path).unlink(missing_ok=True)
    workdir.mkdir(parents=True, exist_ok=True)
    print("Starting the Google Workspace emulator and connecting (OAuth consent flow)...")
    stack = start_local_stack(workdir, days=DAYS)
    try:
        print(f"Active {stack.connection.account_email}  (emulator at {stack.emulator.url})")
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        first = yesterday - timedelta(days=DAYS - 1)
        print(f"\nImporting {first} to {yesterday} ({DAYS} daily partitions) in one run...")
        materialize(first, yesterday, stack.env, workdir / "materialize.log")
        report(stack.settings.duckdb_path)
        counts = stack.emulator.request_counts
        drive = {k: n for k, n in counts.items() if k.startswith("drive.")}
        print(f"Google API requests: {stack.emulator.total_api_requests()} (Drive: {drive})")
    finally:
        stack.stop()
    database = shlex.quote(shown_path(stack.settings.duckdb_path))
    print(f"\nDuckDB file: {database}. Query it (README: Querying):")
    print(f"  export MEETSYNC_DUCKDB_PATH={database}")
    print('  .venv/bin/meetsync sql "SELECT * FROM daily_meeting_stats"')
    print(f"Demo finished in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
