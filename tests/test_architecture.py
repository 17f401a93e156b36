"""The layout rules a maintainer relies on: one reader of the environment, arrows that point
one way, a code location that holds only the code location, SQL models that ship."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assets.models.sql_models import NoModelsError, load_models
from settings import DEFAULT_RECHECK_DAYS, DEFAULT_REQUESTS_PER_MINUTE, Settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_PACKAGES = ("assets", "resources", "pipelines", "cli", "emulator", "dbt_like_sql")
SETTINGS_MODULE = "resources.settings"
CODE_LOCATION_MODULES = {
    "__init__",
    "definitions",
    "executors",
    "jobs",
    "schedules",
    "resources",
    "sensors",
    "loggers",
}


def modules() -> dict[str, ast.Module]:
    found = {}
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = ast.parse(path.read_text(), str(path))
    return found


def imported_modules(tree: ast.Module, known: set[str]) -> set[str]:
    """Project modules a module imports (``from a.b import c`` counts a.b.c when it is one)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name in known}


def environment_reads(tree: ast.Module) -> list[str]:
    """Names of MEETSYNC_*/GOOGLE_* variables read: ``os.environ[...]``, ``.get(...)``,
    ``os.getenv(...)`` or ``dg.EnvVar(...)`` with a literal name."""
    reads = []
    for node in ast.walk(tree):
        literal = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if "environ" in ast.unparse(node.value):
                literal = node.slice
        elif isinstance(node, ast.Call) and node.args:
            called = ast.unparse(node.func)
            if called.endswith(("environ.get", "getenv", "EnvVar", "EnvVar.int")):
                literal = node.args[0]
        if (
            isinstance(literal, ast.Constant)
            and isinstance(literal.value, str)
            and literal.value.startswith(("MEETSYNC_", "GOOGLE_"))
        ):
            reads.append(literal.value)
    return reads


def test_only_the_settings_module_reads_meetsync_and_google_variables():
    offenders = {
        name: reads
        for name, tree in modules().items()
        if name != SETTINGS_MODULE and (reads := environment_reads(tree))
    }
    assert offenders == {}


def test_assets_import_neither_the_code_location_nor_the_command_line():
    found = modules()
    for name, tree in found.items():
        if name.startswith("assets"):
            upward = {
                m for m in imported_modules(tree, set(found)) if m.startswith(("pipelines", "cli"))
            }
            assert not upward, (name, upward)


def test_pure_logic_imports_no_resource():
    found = modules()
    pure = (
        "assets.record_matching",
        "assets.transcript_assembly",
        "assets.meet_frames",
        "assets.partition_metadata",
        "assets.fetch_progress",
        "assets.transcript_doc",
        "assets.doc_transcripts",
        "assets.write_windows",
    )
    for name in pure:
        imports = imported_modules(found[name], set(found))
        assert not {m for m in imports if m.startswith("resources")}, name


def test_no_import_cycle():
    found = modules()
    graph = {name: imported_modules(tree, set(found)) - {name} for name, tree in found.items()}
    # A package's __init__ importing its own submodules is not a cycle of the design.
    graph = {n: {m for m in deps if not n.startswith(m + ".")} for n, deps in graph.items()}
    visiting, done = [], set()

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, " -> ".join([*visiting[visiting.index(name) :], name])
        visiting.append(name)
        for dep in sorted(graph[name]):
            visit(dep)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_pipelines_holds_only_the_code_location():
    names = {path.stem for path in (ROOT / "pipelines").glob("*.py")}
    assert names <= CODE_LOCATION_MODULES, names - CODE_LOCATION_MODULES


def test_settings_defaults_and_environment():
    defaults = Settings.from_env({})
    assert defaults.recheck_days == DEFAULT_RECHECK_DAYS
    assert defaults.meet_requests_per_minute == DEFAULT_REQUESTS_PER_MINUTE
    assert defaults.api_endpoint is None and defaults.timezone == "UTC"
    custom = Settings.from_env(
        {"MEETSYNC_WORKERS": "3", "MEETSYNC_TIMEZONE": "Europe/Paris", "GOOGLE_API_ENDPOINT": ""}
    )
    assert (custom.workers, custom.timezone, custom.api_endpoint) == (3, "Europe/Paris", None)


def test_an_empty_models_folder_is_an_error(tmp_path):
    with pytest.raises(NoModelsError, match="No SQL model"):
        load_models(tmp_path)


@pytest.mark.slow
def test_the_wheel_ships_every_sql_file(tmp_path):
    source = tmp_path / "source"  # setuptools writes build/ beside the sources: not in the repo
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("meetsync-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        str(path.relative_to(ROOT))
        for folder in ("dbt_like_sql", "assets/sql", "cli/sql")
        for path in (ROOT / folder).glob("*.sql")
    }
    assert expected and expected <= shipped, expected - shipped
