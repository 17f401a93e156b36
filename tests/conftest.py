"""Fixtures for integration tests: a seeded emulator, a real OAuth connection, a temp DuckDB.

``emulator`` serves the test's ``workspace``; a module that needs another workspace overrides
``workspace``. Tests that use these fixtures, start processes or browsers, or run the whole
pipeline are marked ``integration``; ``make test-fast`` runs the others.
"""

from __future__ import annotations

import warnings

import dagster as dg
import pytest

from emulator import Emulator, FaultConfig
from emulator.browser import register_consent_browser
from tests.helpers import Environment, make_workspace

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

INTEGRATION_FIXTURES = frozenset(
    {"emulator", "environment", "connected", "connected_factory", "consent_browser"}
)
INTEGRATION_FOLDERS = frozenset({"end_to_end", "emulator"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = item.path.relative_to(item.config.rootpath / "tests").parts[0]
        if (
            folder in INTEGRATION_FOLDERS
            or INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ()))
            or item.get_closest_marker("slow")
            or item.get_closest_marker("browser")
        ):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def consent_browser() -> str:
    return register_consent_browser()


@pytest.fixture
def workspace():
    return make_workspace()


@pytest.fixture
def emulator(workspace):
    with Emulator(workspace, faults=FaultConfig()) as running:
        yield running


@pytest.fixture
def environment(emulator, tmp_path, monkeypatch) -> Environment:
    """The emulator plus MEETSYNC_* settings pointing into this test's temp dir."""
    found = Environment(emulator, tmp_path / "meetsync-home", tmp_path / "meetsync.duckdb")
    for key, value in found.env().items():
        monkeypatch.setenv(key, value)
    return found


@pytest.fixture
def connected(environment, consent_browser) -> Environment:
    """An environment whose Google connection went through the real consent flow."""
    from google_client import connect
    from settings import Settings

    connect(Settings.from_env(), open_browser=True, browser=consent_browser, timeout_seconds=30)
    return environment


@pytest.fixture
def connected_factory(tmp_path, monkeypatch, consent_browser):
    """Like ``connected``, for a workspace of a test's own shape."""
    from google_client import connect
    from settings import Settings

    running = []

    def start(**shape):
        ws = make_workspace(**shape)
        emu = Emulator(ws, faults=FaultConfig()).start()
        running.append(emu)
        env = Environment(emu, tmp_path / "meetsync-home", tmp_path / "meetsync.duckdb")
        for key, value in env.env().items():
            monkeypatch.setenv(key, value)
        connect(Settings.from_env(), open_browser=True, browser=consent_browser, timeout_seconds=30)
        return env, ws

    yield start
    for emu in running:
        emu.stop()
