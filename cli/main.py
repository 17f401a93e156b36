"""The `meetsync` command: connect to Google, check the connection, query DuckDB, run the
emulator."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from cli.sql.command import run_sql, wait_seconds
from cli.sql.history import HISTORY_FILENAME
from cli.sql.rendering import FORMATS
from cli.sql.runner import DEFAULT_WAIT_SECONDS
from google_client import SetupError, connect, connection_status, disconnect, status_of
from settings import Settings


def _connect(args: argparse.Namespace, settings: Settings) -> int:
    connection = connect(settings, open_browser=not args.no_browser, timeout_seconds=args.timeout)
    print(status_of(connection))
    return 0


def _status(args: argparse.Namespace, settings: Settings) -> int:
    status = connection_status(settings, check=args.check)
    print(status)
    return status.exit_code


def _disconnect(args: argparse.Namespace, settings: Settings) -> int:
    done = disconnect(settings)
    if done is None:
        print("Not connected")
        return 0
    print(done)  # one line; when Google kept the grant, where to remove it
    return 0 if done.revoked else 1


def _sql(args: argparse.Namespace, settings: Settings) -> int:
    return run_sql(
        args.query,
        settings.duckdb_path,
        settings.timezone,
        output_format=args.format,
        wait=args.wait,
        history=settings.home / HISTORY_FILENAME,
    )


def _emulator(args: argparse.Namespace, settings: Settings) -> int:
    from emulator.cli import serve

    serve(
        host=args.host,
        port=args.port,
        seed=args.seed,
        days=args.days,
        meetings_per_day=args.meetings_per_day,
        timezone=args.timezone,
        latency=args.latency,
        error_rate=args.error_rate,
        quota=args.quota,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="meetsync", description="Google Meet meetings and transcripts into DuckDB."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    sub = commands.add_parser("connect", help="connect a Google account (OAuth consent)")
    sub.add_argument("--no-browser", action="store_true", help="print the consent URL instead")
    sub.add_argument("--timeout", type=float, default=600, help="seconds to wait for consent")
    sub.set_defaults(run=_connect)

    sub = commands.add_parser(
        "status", help="Active (and what it may read), Reconnect required or Not connected"
    )
    sub.add_argument("--check", action="store_true", help="confirm with Google now")
    sub.set_defaults(run=_status)

    sub = commands.add_parser("disconnect", help="revoke and delete the stored tokens")
    sub.set_defaults(run=_disconnect)

    sub = commands.add_parser("sql", help="run read-only SQL against the DuckDB file")
    sub.add_argument("query", nargs="?", help="SQL to run; without it, an interactive prompt")
    sub.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default), line (every column on its own line, full text), csv or json",
    )
    sub.add_argument(
        "--wait",
        type=wait_seconds,
        default=DEFAULT_WAIT_SECONDS,
        metavar="SECONDS",
        help="how long to wait while a pipeline run holds the write lock (default 30)",
    )
    sub.set_defaults(run=_sql)

    sub = commands.add_parser("emulator", help="run the local Google Workspace emulator")
    sub.add_argument("--host", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8765)
    sub.add_argument("--seed", type=int, default=7)
    sub.add_argument("--days", type=int, default=30)
    sub.add_argument("--meetings-per-day", type=int, default=12)
    sub.add_argument("--timezone", default="UTC")
    sub.add_argument("--latency", type=float, default=0.0, help="seconds added to each request")
    sub.add_argument("--error-rate", type=float, default=0.0, help="share of 429/503 answers")
    sub.add_argument(
        "--quota", type=int, default=0, help="requests per minute per user to each API (0: none)"
    )
    sub.set_defaults(run=_emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.run(args, Settings.from_env())
    except SetupError as error:
        print(f"meetsync: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
