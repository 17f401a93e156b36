"""The README's commands, copy-pasted into a fresh clone after `make demo`.

A copy of the repository's files (with this checkout's .venv) stands for the fresh clone; the
real `make demo` runs in it. Then every command of the README's fenced ``sh`` blocks runs there
from a shell, each block on its own (a new terminal: only its own ``export`` lines apply), and
every example query must return rows. ``console`` blocks are prompt sessions: the lines typed
after ``meetsync>`` are fed to the command that opened the prompt. The table of commands must
match the CLI's options. Commands that need a connected Google account (a backfill) run
against the emulator, connected through the real consent flow, standing in for Google.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from cli.sql.prompt import CONTINUATION_PROMPT, PROMPT
from emulator import Emulator, FaultConfig
from emulator.data.workspace import recent_workspace
from emulator.wire.server import DEFAULT_CLIENTS
from google_client import connect
from settings import Settings
from tests.helpers import PROJECT_ROOT

pytestmark = pytest.mark.slow


README = PROJECT_ROOT / "README.md"
STAMP = ".venv/.installed"  # never rebuilt from the copy: the venv belongs to this checkout
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<language>[\w-]*)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
# What the environment of a fresh terminal must not inherit from the test run (make test
# exports DAGSTER_HOME, tests set MEETSYNC_*).
INHERITED = re.compile(r"^(MEETSYNC_|GOOGLE_|DAGSTER_HOME$|PAGER$)")


@dataclass(frozen=True)
class Block:
    language: str
    body: str
    line: int  # where the block starts in the README, for messages


def readme_blocks(language: str) -> list[Block]:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        if match["language"] == language:
            indent = len(match["indent"])
            body = "".join(line[indent:] for line in match["body"].splitlines(keepends=True))
            blocks.append(Block(language, body, text.count("\n", 0, match.start()) + 1))
    return blocks


def shell_commands(script: str) -> list[str]:
    """The commands of ``script``, one per item: lines are joined until bash can parse them
    (a quoted query may span lines). Blank and comment lines are left out."""
    commands, pending = [], []
    for line in script.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending.append(line)
        text = "\n".join(pending)
        if subprocess.run(["bash", "-n", "-c", text], capture_output=True).returncode == 0:
            commands.append(text)
            pending = []
    assert not pending, f"unfinished command in the README: {pending}"
    return commands


def is_export(command: str) -> bool:
    return command.startswith("export ")


@dataclass
class Clone:
    """A fresh clone of the project after `make demo`, and the environment of a new terminal
    in it (a Google account connected, as the README's setup asks: here the emulator)."""

    root: Path
    env: dict[str, str]

    def shell(
        self, script: str, stdin: str | None = None, **variables: str
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=self.root,
            env={**self.env, **variables},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )


def copy_of_the_repository(target: Path) -> None:
    """The files a clone has (tracked and new ones, not ignored ones) and this checkout's
    .venv: a fresh clone as far as the README's commands can tell."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        if (PROJECT_ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / name, target / name)
    (target / ".venv").symlink_to(PROJECT_ROOT / ".venv", target_is_directory=True)


def fresh_terminal_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not INHERITED.match(key)}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="module")
def clone(tmp_path_factory, consent_browser) -> Iterator[Clone]:
    root = tmp_path_factory.mktemp("clone")
    copy_of_the_repository(root)
    env = fresh_terminal_env()
    demo = subprocess.run(
        ["make", "-o", STAMP, "demo"], cwd=root, env=env, capture_output=True, text=True
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert (root / "data/demo/meetsync.duckdb").is_file()
    with Emulator(recent_workspace(), faults=FaultConfig()) as google:
        client_id, client_secret = next(iter(DEFAULT_CLIENTS.items()))
        env |= {
            "GOOGLE_API_ENDPOINT": google.url,
            "GOOGLE_CLIENT_ID": client_id,
            "GOOGLE_CLIENT_SECRET": client_secret,
            "MEETSYNC_HOME": str(tmp_path_factory.mktemp("google-account")),
        }
        connect(Settings.from_env(env), browser=consent_browser, timeout_seconds=30)
        yield Clone(root, env)


def test_the_readme_has_commands_to_run():
    commands = [c for block in readme_blocks("sh") for c in shell_commands(block.body)]
    assert any(c.startswith(".venv/bin/meetsync sql ") for c in commands)
    assert any(c.startswith(".venv/bin/dagster asset materialize ") for c in commands)
    assert readme_blocks("console")


def test_every_sh_block_runs_in_a_fresh_clone_after_make_demo(clone):
    ran = 0
    for block in readme_blocks("sh"):
        exports: list[str] = []
        for command in shell_commands(block.body):
            if command.startswith("make "):
                # make demo ran above; make test is CI's own step: the target must exist.
                target = shlex.split(command, comments=True)[1]
                checked = clone.shell(f"make -n -o {STAMP} {shlex.quote(target)}")
                assert checked.returncode == 0, (block.line, command, checked.stderr)
                continue
            done = clone.shell("\n".join([*exports, command]))
            assert done.returncode == 0, (block.line, command, done.stdout, done.stderr)
            if command.startswith(".venv/bin/meetsync "):
                assert done.stderr == "", (block.line, command, done.stderr)
            if is_export(command):
                exports.append(command)
            ran += 1
    assert ran >= 5
    with dg.DagsterInstance.from_config(str(clone.root / ".dagster_home")) as instance:
        runs = instance.get_runs()
    # The backfill ran on the instance the README names, so the UI on it shows the run.
    assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS]
    assert (clone.root / "partners.csv").read_text().startswith("partner_domain,")


def example_queries() -> list[tuple[Block, list[str], str]]:
    """Every query of a ``meetsync sql "QUERY" …`` command, with the block's exports."""
    found = []
    for block in readme_blocks("sh"):
        exports: list[str] = []
        for command in shell_commands(block.body):
            if is_export(command):
                exports.append(command)
            words = shlex.split(command, comments=True)
            if words[:2] == [".venv/bin/meetsync", "sql"] and not words[2].startswith("-"):
                found.append((block, list(exports), words[2]))
    return found


def rows_of(clone: Clone, exports: list[str], query: str) -> list[dict]:
    """The rows ``query`` returns, asked as the README asks (after its exports)."""
    script = "\n".join([*exports, '.venv/bin/meetsync sql "$README_QUERY" --format json'])
    done = clone.shell(script, README_QUERY=query)
    assert done.returncode == 0, (query, done.stderr)
    return json.loads(done.stdout)


def test_every_example_query_returns_rows_on_the_demo(clone):
    queries = example_queries()
    assert len(queries) >= 4
    for block, exports, query in queries:
        assert rows_of(clone, exports, query), (block.line, query)


def typed_session(block: Block) -> Iterator[tuple[list[str], str, list[str]]]:
    """Each ``$ command`` of a console block with the exports before it and the lines typed
    at the prompt it opens."""
    exports: list[str] = []
    command, typed = None, []
    for line in [*block.body.splitlines(), "$ "]:
        if line.startswith("$ "):
            if command:
                yield list(exports), command, typed
                if is_export(command):
                    exports.append(command)
            command, typed = line[2:].strip(), []
        elif line.startswith((PROMPT, CONTINUATION_PROMPT)):
            typed.append(line[len(PROMPT) :])


def statements_typed(typed: list[str]) -> list[str]:
    """The SQL statements among the typed lines (dot commands left out)."""
    text = "\n".join(line for line in typed if not line.startswith("."))
    return [s.strip() for s in text.split(";") if s.strip()]


def test_prompt_sessions_in_the_readme_run_as_shown(clone):
    sessions = [s for block in readme_blocks("console") for s in typed_session(block)]
    typed_any = False
    for exports, command, typed in sessions:
        stdin = "".join(f"{line}\n" for line in typed)
        done = clone.shell("\n".join([*exports, command]), stdin=stdin if typed else None)
        assert (done.returncode, done.stderr) == (0, ""), (command, typed, done.stderr)
        for statement in statements_typed(typed):
            typed_any = True
            rows = rows_of(clone, exports, statement)
            assert rows, statement
            # Typed line by line, it ran as one statement: all its rows, in one table.
            assert f"({len(rows)} row{'s' if len(rows) > 1 else ''})" in done.stdout
    assert typed_any


COMMAND_ROW = re.compile(r"^\| `(?P<command>(?:meetsync|make) [^`]*)` \|", re.M)


def test_the_table_of_commands_matches_the_cli(clone):
    rows = COMMAND_ROW.findall(README.read_text(encoding="utf-8"))
    assert len(rows) >= 7
    for row in rows:
        program, verb = row.split()[:2]
        if program == "make":
            done = clone.shell(f"make -n -o {STAMP} {verb}")
            assert done.returncode == 0, (row, done.stderr)
            continue
        done = clone.shell(f".venv/bin/meetsync {verb} --help")
        assert done.returncode == 0, (row, done.stderr)
        for option in re.findall(r"--[\w-]+", row):
            assert option in done.stdout, (row, option)
        for choice in re.findall(r"\w+(?=\\\|)|(?<=\\\|)\w+", row):
            assert choice in done.stdout, (row, choice)
