"""The Dagster UI end to end, in a real Chromium (Debian's, driven by Playwright).

The local stack (in-process emulator, real OAuth consent) and ``dagster dev`` run as they do
for ``make ui``; the browser checks that no "Join the Dagster community" dialog covers the
first page, that the catalog lists every asset of the code location with its description,
that every SQL model's page shows its column table and its whole SQL, materializes
yesterday's partition of ``calendar_events`` through the launch dialog, follows the run to
success, and the rows are then read back from DuckDB. Then one CLI run backfills every day,
and two partitions with different meeting counts show their own row counts.
Screenshots land in the test's ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from cli.backfill import materialize_command
from tests.helpers import PROJECT_ROOT, stop_process_group

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 120
STACK_DAYS = 5
COMMUNITY_DIALOG = "Join the Dagster community"
RUN_SECONDS = 90
UI_TIMEOUT_MS = 30_000
MARKDOWN_CHARS = set("`*_[]<>#|\\")


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


CHROMIUM = chromium_path()
if CHROMIUM is None:
    pytest.skip(
        "no chromium on this machine (apt-get install chromium); the browser test needs it",
        allow_module_level=True,
    )
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
expect.set_options(timeout=15_000)


def expected_assets() -> dict[str, str]:
    """Every asset key of the code location and its description."""
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    return {
        key.to_user_string(): graph.get(key).description or "" for key in graph.get_all_asset_keys()
    }


def first_words(description: str, most: int = 8) -> str:
    """The description's opening words, up to the first that markdown could render
    differently (the catalog shows descriptions raw, the asset page as markdown)."""
    words = []
    for word in description.split():
        if MARKDOWN_CHARS & set(word) or len(words) == most:
            break
        words.append(word)
    return " ".join(words)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def graphql(base_url: str, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"{base_url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with _OPENER.open(request, timeout=10) as response:
        answer = json.load(response)
    assert not answer.get("errors"), answer
    return answer["data"]


RUN_QUERY = """
query Run($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { status tags { key value } assetSelection { path } }
  }
}
"""


@dataclass
class DagsterDev:
    process: subprocess.Popen
    url: str
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


@pytest.fixture
def saved_environ() -> Iterator[None]:
    """start_local_stack updates os.environ: put it back for the worker's next tests."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def stack(tmp_path, saved_environ):
    from cli.local_stack import start_local_stack

    running = start_local_stack(tmp_path, days=STACK_DAYS, meetings_per_day=4)
    try:
        yield running
    finally:
        running.stop()


@contextlib.contextmanager
def sigint_not_ignored() -> Iterator[None]:
    """A SIGINT ignored here (pytest started as a background job) would stay ignored in the
    child, and dagster dev handles SIGTERM as it handles SIGINT: it could then not be
    stopped gracefully. A Python-level handler is reset to the default by exec."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.SIG_IGN or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def dagster_dev(stack, tmp_path) -> Iterator[DagsterDev]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "dagster_dev.log"
    command = [
        str(Path(sys.executable).with_name("dagster")),
        "dev",
        "-w",
        "workspace.yaml",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with log.open("w") as out, sigint_not_ignored():
        process = subprocess.Popen(
            command,
            env={**os.environ, **stack.env},
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = DagsterDev(process, url, log)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"dagster dev exited ({process.returncode}):\n{server.log_tail()}")
            try:
                with _OPENER.open(f"{url}/server_info", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dagster dev not up in {SERVER_START_SECONDS}s:\n{server.log_tail()}")
            time.sleep(0.5)
        yield server
    finally:
        stop_process_group(process)


@pytest.fixture
def page(dagster_dev, tmp_path):
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                base_url=dagster_dev.url, viewport={"width": 1600, "height": 1800}
            )
            context.set_default_timeout(UI_TIMEOUT_MS)
            opened = context.new_page()
            yield opened
        finally:
            with contextlib.suppress(Exception):
                opened.screenshot(path=str(tmp_path / "last_page.png"), full_page=True)
            browser.close()


def wait_for_run(base_url: str, run_id: str) -> dict:
    deadline = time.monotonic() + RUN_SECONDS
    while True:
        run = graphql(base_url, RUN_QUERY, {"runId": run_id})["runOrError"]
        assert run["__typename"] == "Run", run
        if run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            return run
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']}"
        time.sleep(1)


def check_no_community_dialog(page, base_url: str) -> None:
    """A brand-new instance on a loopback origin: the project's dagster.yaml (``nux``) keeps
    Dagster's "Join the Dagster community" dialog away, without anyone dismissing it."""
    assert graphql(base_url, "{ shouldShowNux }")["shouldShowNux"] is False
    page.goto("/")
    expect(page.get_by_role("link", name="Catalog").first).to_be_visible()
    page.wait_for_timeout(2000)  # the dialog would open once the page's queries are answered
    expect(page.get_by_text(COMMUNITY_DIALOG)).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)


def check_catalog(page, assets: dict[str, str], tmp_path: Path) -> None:
    page.goto("/assets")
    for key in sorted(assets):
        expect(page.locator(f'a[href="/assets/{key}"]').first).to_be_visible()
    for description in assets.values():
        expect(page.locator("body")).to_contain_text(first_words(description))
    expect(page.get_by_text(COMMUNITY_DIALOG)).to_have_count(0)
    page.screenshot(path=str(tmp_path / "catalog.png"), full_page=True)


def check_model_pages(page, tmp_path: Path) -> None:
    """Every SQL model's page: a column table (names, types, descriptions from the view) and
    its SQL in full."""
    from assets.models.sql_models import load_models, view_schemas

    models = load_models()
    schemas = view_schemas(models)
    for model in models:
        page.goto(f"/assets/{model.name}")
        columns = page.locator("table").filter(has_text="Column name")
        expect(columns).to_be_visible()
        for column in schemas[model.name].columns:
            expect(columns.get_by_text(column.name, exact=True)).to_be_visible()
            expect(columns.get_by_text(column.description, exact=True)).to_be_visible()
        show_more = page.get_by_role("button", name="Show more")
        if show_more.count():
            show_more.click()
            expect(page.get_by_role("button", name="Show less")).to_be_visible()
        first_line = model.statement.splitlines()[0].strip()
        sql = page.locator("pre code").filter(has_text=first_line)
        last_line = model.statement.splitlines()[-1].strip()
        expect(sql).to_contain_text(last_line)
        page.screenshot(path=str(tmp_path / f"model_{model.name}.png"), full_page=True)


def backfill_every_day(stack, first: date, last: date) -> None:
    """One CLI run over [first, last] on the instance dagster dev serves (as the README says)."""
    done = subprocess.run(
        materialize_command(first, last),
        env={**os.environ, **stack.env},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def check_partition_row_counts(page, stack, tmp_path: Path) -> dict[str, int]:
    """Two days with different meeting counts: each partition's page shows its own."""
    with duckdb.connect(str(stack.settings.duckdb_path), read_only=True) as conn:
        counts = dict(
            conn.execute(
                "SELECT partition_date, count(*) FROM meet_meetings GROUP BY ALL"
            ).fetchall()
        )
    by_count = {count: day for day, count in sorted(counts.items())}
    assert len(by_count) >= 2, f"every day has as many meetings: {counts}"
    shown = {}
    for count, day in sorted(by_count.items())[:1] + sorted(by_count.items())[-1:]:
        page.goto(f"/assets/meet_meetings?view=partitions&partition={day.isoformat()}")
        expect(page.get_by_text(day.isoformat(), exact=True).first).to_be_visible()
        row = page.locator("tr").filter(has_text="dagster/row_count")
        expect(row.locator("td").nth(1)).to_have_text(str(count))
        page.screenshot(path=str(tmp_path / f"partition_{day.isoformat()}.png"), full_page=True)
        shown[day.isoformat()] = count
    return shown


def check_asset_pages(page, assets: dict[str, str]) -> None:
    for key, description in sorted(assets.items()):
        page.goto(f"/assets/{key}")
        expect(page.get_by_text("Description", exact=True).first).to_be_visible()
        expect(page.locator("body")).to_contain_text(first_words(description, most=12))
        expect(page.get_by_text(key, exact=True).first).to_be_visible()


def check_asset_graph(page, tmp_path: Path) -> None:
    page.goto("/asset-groups")
    # The graph's gear (an icon-only button; the navigation's is "settings Settings").
    graph_settings = page.get_by_role("button", name="settings", exact=True)
    expect(graph_settings).to_be_visible()
    graph_settings.click()
    page.get_by_role("menuitem", name="Expand all groups").click()
    # Reloading fits the expanded graph into the viewport.
    page.reload()
    expect(page.get_by_text("calendar_events", exact=True).first).to_be_visible()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(tmp_path / "asset_graph.png"))


def launch_partition_from_ui(page, asset: str, partition: str, tmp_path: Path) -> str:
    """Materialize one partition of ``asset`` through its launch dialog; the run's id."""
    page.goto(f"/assets/{asset}")
    page.get_by_role("button", name=re.compile(r"\bMaterialize")).first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Launch runs to materialize {asset}")
    partitions = dialog.get_by_placeholder("No matching partitions")
    partitions.fill(partition)
    partitions.press("Enter")
    expect(dialog).to_contain_text("1 partition")
    dialog.screenshot(path=str(tmp_path / "launch_dialog.png"))
    dialog.get_by_role("button", name="Launch 1 run").click()
    view = page.locator("a[href^='/runs/']", has_text="View").first
    expect(view).to_be_visible()
    href = view.get_attribute("href") or ""
    run_id = href.removeprefix("/runs/").split("?")[0]
    assert re.fullmatch(r"[0-9a-f-]{36}", run_id), href
    view.click()
    expect(page).to_have_url(re.compile(re.escape(run_id)))
    return run_id


def test_ui_lists_assets_and_materializes_a_partition(stack, dagster_dev, page, tmp_path):
    started = time.monotonic()
    assets = expected_assets()

    check_no_community_dialog(page, dagster_dev.url)
    check_catalog(page, assets, tmp_path)
    check_asset_pages(page, assets)
    check_model_pages(page, tmp_path)
    check_asset_graph(page, tmp_path)

    yesterday: date = datetime.now(UTC).date() - timedelta(days=1)
    run_id = launch_partition_from_ui(page, "calendar_events", yesterday.isoformat(), tmp_path)
    run = wait_for_run(dagster_dev.url, run_id)
    assert run["status"] == "SUCCESS", dagster_dev.log_tail()
    assert {"key": "dagster/partition", "value": yesterday.isoformat()} in run["tags"]
    assert run["assetSelection"] == [{"path": ["calendar_events"]}]

    # The run page, as the browser shows it.
    expect(page.get_by_text("Success", exact=True).first).to_be_visible()
    expect(page.get_by_text(f"partition: {yesterday.isoformat()}")).to_be_visible()
    expect(page.get_by_text("RUN_SUCCESS", exact=True).first).to_be_visible()
    page.screenshot(path=str(tmp_path / "run.png"))

    with duckdb.connect(str(stack.settings.duckdb_path), read_only=True) as conn:
        days = conn.execute(
            "SELECT partition_date, count(*) FROM calendar_events GROUP BY ALL"
        ).fetchall()
    assert len(days) == 1, days
    assert days[0][0] == yesterday
    assert days[0][1] > 0

    backfill_every_day(stack, yesterday - timedelta(days=STACK_DAYS - 1), yesterday)
    shown = check_partition_row_counts(page, stack, tmp_path)
    assert len(set(shown.values())) == 2, shown
    print(f"meet_meetings row counts shown per partition: {shown}")
    assert {p.name for p in tmp_path.glob("*.png")} >= {"asset_graph.png", "run.png"}
    print(f"browser test body took {time.monotonic() - started:.0f}s")
