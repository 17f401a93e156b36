"""The layout rules a maintainer relies on, checked on the source itself: folders by source and
stage that import each other one way only, one Google package with one public surface, one
reader and one default for every setting, a code location that holds only the code location,
tests that share helpers rather than import each other, SQL models that ship."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import fields
from pathlib import Path

import pytest

from assets.models.sql_models import NoModelsError, load_models
from settings import DEFAULT_RECHECK_DAYS, DEFAULT_REQUESTS_PER_MINUTE, Settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = (
    "assets",
    "resources",
    "google_client",
    "settings",
    "pipelines",
    "cli",
    "emulator",
    "dbt_like_sql",
)
SETTINGS_MODULE = "settings"
CODE_LOCATION_MODULES = {
    "__init__",
    "definitions",
    "dead_runs",
    "executors",
    "jobs",
    "loggers",
    "resources",
    "schedules",
    "sensors",
}
# assets/<folder>: what each folder may import of the others. The sources (calendar, meet,
# drive) never import each other; the Meet step (transcripts) combines Meet and Drive; all
# of them write through the warehouse, which imports none of them.
ASSET_FOLDERS = {
    "calendar": {"warehouse"},
    "meet": {"warehouse"},
    "drive": {"warehouse"},
    "transcripts": {"meet", "drive", "warehouse"},
    "warehouse": set(),
    "models": {"warehouse"},
}
PURE_LOGIC = (
    "assets.calendar.event_rows",
    "assets.meet.record_matching",
    "assets.meet.transcript_assembly",
    "assets.drive.doc_matching",
    "assets.drive.doc_assembly",
    "assets.drive.doc_text_parser",
    "assets.transcripts.transcript_rows",
    "assets.transcripts.window_plan",
    "assets.transcripts.fetch_progress",
    "assets.warehouse.partition_metadata",
    "assets.warehouse.transcript_results",
)
# Parameters and fields that are a setting under another name (the client's, the limiter's).
SETTING_ALIASES = {
    "calendar_per_minute",
    "meet_per_minute",
    "drive_per_minute",
    "window_seconds",
    "max_attempts",
    "base_delay",
    "max_workers",
    "lock_wait_seconds",
    "max_wait_seconds",
    "meetsync_home",
    "database",
}
SETTING_NAMES = {f.name for f in fields(Settings)} | SETTING_ALIASES


# ----- reading the source
def modules(packages: tuple[str, ...] = PRODUCT_PACKAGES) -> dict[str, ast.Module]:
    found = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = ast.parse(path.read_text(), str(path))
    return found


def imported_names(tree: ast.Module) -> set[str]:
    """Every module a module imports, as written (``from a.b import c`` counts a.b and a.b.c)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def imported_modules(tree: ast.Module, known: set[str]) -> set[str]:
    """Project modules a module imports."""
    return {name for name in imported_names(tree) if name in known}


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


def second_defaults(tree: ast.Module) -> list[str]:
    """Where a module gives a setting a default of its own: a parameter, a class field or a
    pydantic ``Field(default=...)`` named like a setting, or an import of a settings
    ``DEFAULT_*`` constant."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = args.posonlyargs + args.args
            with_default = positional[len(positional) - len(args.defaults) :]
            with_default += [a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
            found += [f"{node.name}({a.arg}=...)" for a in with_default if a.arg in SETTING_NAMES]
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if (
                    isinstance(item, ast.AnnAssign)
                    and isinstance(item.target, ast.Name)
                    and item.target.id in SETTING_NAMES
                    and item.value is not None
                    and not _field_without_default(item.value)
                ):
                    found.append(f"{node.name}.{item.target.id} = ...")
        elif isinstance(node, ast.ImportFrom) and node.module == SETTINGS_MODULE:
            found += [f"import {a.name}" for a in node.names if a.name.startswith("DEFAULT_")]
    return found


def _field_without_default(value: ast.expr) -> bool:
    """``Field(description=...)``: a pydantic field that leaves the value to its caller."""
    return (
        isinstance(value, ast.Call)
        and ast.unparse(value.func).endswith("Field")
        and not value.args
        and all(k.arg not in {"default", "default_factory"} for k in value.keywords)
    )


def imports_of_test_modules(tree: ast.Module, known: set[str]) -> set[str]:
    """The test modules a module imports; ``tests.helpers`` is the one shared module."""
    return {
        name
        for name in imported_modules(tree, known)
        if (name.startswith("tests.") and name != "tests.helpers" and "test_" in name)
        or name == "tests.conftest"
    }


def tests_tree() -> dict[str, ast.Module]:
    return modules(("tests",))


# ----- the rules
def test_only_the_settings_module_reads_meetsync_and_google_variables():
    offenders = {
        name: reads
        for name, tree in modules().items()
        if name != SETTINGS_MODULE and (reads := environment_reads(tree))
    }
    assert offenders == {}


def test_every_setting_has_its_default_in_the_settings_module_alone():
    """The emulator is left out: it stands for Google, whose parameters are not settings."""
    offenders = {
        name: found
        for name, tree in modules().items()
        if name != SETTINGS_MODULE
        and not name.startswith("emulator")
        and (found := second_defaults(tree))
    }
    assert offenders == {}


def test_a_second_default_is_caught():
    written = ast.parse(
        "from settings import DEFAULT_WORKERS\n"
        "def pool(workers: int = 8): ...\n"
        "def limiter(*, window_seconds: float = 60.0): ...\n"
        "class R:\n"
        "    retry_attempts: int = Field(default=8)\n"
        "    home: str = Field(description='no default: fine')\n"
    )
    assert second_defaults(written) == [
        "import DEFAULT_WORKERS",
        "pool(workers=...)",
        "limiter(window_seconds=...)",
        "R.retry_attempts = ...",
    ]


def test_asset_folders_import_each_other_one_way_only():
    found = modules(("assets",))
    offenders = []
    for name, tree in found.items():
        parts = name.split(".")
        if len(parts) < 2 or parts[1] not in ASSET_FOLDERS:
            continue
        own = parts[1]
        for imported in imported_modules(tree, set(found)):
            folder = imported.split(".")[1] if imported.count(".") else None
            if folder and folder != own and folder not in ASSET_FOLDERS[own]:
                offenders.append(f"{name} imports {imported}")
    assert offenders == []


def test_a_sibling_source_import_is_caught():
    meet = ast.parse("from assets.drive.doc_matching import DocMeeting\n")
    imported = imported_modules(meet, {"assets.drive.doc_matching"})
    assert {m.split(".")[1] for m in imported} - ASSET_FOLDERS["meet"] == {"drive"}


def test_every_behaviour_is_two_hops_from_the_definitions():
    """definitions -> a folder of assets/ -> the module: no module deeper than a folder, every
    folder says in its docstring what it holds, and the definitions import from folders."""
    assets = ROOT / "assets"
    folders = {p.parent.name for p in assets.glob("*/*.py")}
    assert folders == set(ASSET_FOLDERS)
    assert not list(assets.glob("*/*/*.py")), "a module deeper than assets/<folder>/"
    assert [p.name for p in assets.glob("*.py")] == ["__init__.py"]
    for folder in folders:
        assert ast.get_docstring(ast.parse((assets / folder / "__init__.py").read_text())), folder
    definitions = ast.parse((ROOT / "pipelines" / "definitions.py").read_text())
    for name in imported_names(definitions):
        if name.startswith("assets."):
            assert name.split(".")[1] in ASSET_FOLDERS, name


def test_nothing_outside_imports_the_code_location_or_the_command_line():
    found = modules()
    for name, tree in found.items():
        if name.startswith(("pipelines", "cli")):
            continue
        upward = {
            m for m in imported_modules(tree, set(found)) if m.startswith(("pipelines", "cli"))
        }
        assert not upward, (name, upward)


def test_the_google_package_has_one_public_surface_and_imports_nothing_of_ours():
    found = modules()
    for name, tree in found.items():
        imported = imported_names(tree)
        if name.startswith("google_client"):
            ours = {m for m in imported if m.split(".")[0] in PRODUCT_PACKAGES} - {
                m for m in imported if m.startswith("google_client")
            }
            assert not ours, (name, ours)
        else:
            inside = {
                m for m in imported_modules(tree, set(found)) if m.startswith("google_client.")
            }
            assert not inside, (name, inside)


def test_resources_holds_the_dagster_resources_only():
    found = modules(("resources",))
    for name, tree in found.items():
        if name == "resources":
            continue
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        resources = [c for c in classes if any("Resource" in ast.unparse(b) for b in c.bases)]
        assert resources, f"{name} defines no Dagster resource"
        assert not {m for m in imported_names(tree) if m.startswith("assets")}, name


def test_pure_logic_imports_no_resource_and_no_client():
    found = modules()
    for name in PURE_LOGIC:
        imports = imported_modules(found[name], set(found))
        assert not {m for m in imports if m.startswith(("resources", "google_client"))}, name


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


def test_importing_the_code_location_leaves_the_environment_as_it_was():
    check = (
        "import os; before = dict(os.environ); import pipelines.definitions; "
        "keys = set(before) | set(os.environ); "
        "print(sorted(k for k in keys if before.get(k) != os.environ.get(k)))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEETSYNC_", "GOOGLE_"))}
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_no_test_module_imports_another():
    found = tests_tree()
    offenders = {
        name: imported
        for name, tree in found.items()
        if (imported := imports_of_test_modules(tree, set(found)))
    }
    assert offenders == {}


def test_a_test_module_importing_another_is_caught():
    written = ast.parse(
        "from tests.cli.test_cli_runs import cli_env\nfrom tests.helpers import x\n"
    )
    known = {"tests.cli.test_cli_runs", "tests.helpers"}
    assert imports_of_test_modules(written, known) == {"tests.cli.test_cli_runs"}


def test_tests_mirror_the_source_tree():
    """tests/<package>/... for every test of one package's code; end_to_end/ for runs of the
    whole pipeline."""
    tests = ROOT / "tests"
    allowed = {*PRODUCT_PACKAGES, "end_to_end", "architecture", "fixtures"}
    folders = {p.relative_to(tests).parts[0] for p in tests.rglob("test_*.py")}
    assert folders <= allowed, folders - allowed
    assert not list(tests.glob("test_*.py")), "a test module outside the mirrored tree"
    for path in (tests / "assets").rglob("test_*.py"):
        folder = path.relative_to(tests / "assets").parts[0]
        assert folder in ASSET_FOLDERS, path


def test_settings_defaults_and_environment():
    defaults = Settings.from_env({})
    assert defaults.recheck_days == DEFAULT_RECHECK_DAYS
    assert defaults.meet_requests_per_minute == DEFAULT_REQUESTS_PER_MINUTE
    assert defaults.api_endpoint is None and defaults.timezone == "UTC"
    custom = Settings.from_env(
        {"MEETSYNC_WORKERS": "3", "MEETSYNC_TIMEZONE": "Europe/Paris", "GOOGLE_API_ENDPOINT": ""}
    )
    assert (custom.workers, custom.timezone, custom.api_endpoint) == (3, "Europe/Paris", None)
    assert Settings.from_env({"MEETSYNC_MEETINGS_PER_WRITE": "7"}).meetings_per_write == 7


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
    expected = {str(path.relative_to(ROOT)) for path in ROOT.glob("**/*.sql") if _shipped(path)}
    assert len(expected) >= 13 and expected <= shipped, expected - shipped


def _shipped(path: Path) -> bool:
    return path.relative_to(ROOT).parts[0] in {"dbt_like_sql", "assets", "cli"}
