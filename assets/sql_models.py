"""Every ``dbt_like_sql/*.sql`` file becomes a Dagster asset that (re)creates a DuckDB view.

A file starts with header comments: ``-- depends_on: a, b`` names the upstream assets or
models, ``-- description: ...`` what the model is. The code version is the file's hash, so
an edited model shows as changed in the UI.
"""

import hashlib
import importlib.resources
import re
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

import dbt_like_sql
from assets.partitions import DUCKDB_POOL

MODELS_DIR = Path(str(importlib.resources.files(dbt_like_sql)))
HEADER = re.compile(r"^--\s*(depends_on|description)\s*:\s*(.*)$")


@dataclass(frozen=True)
class SqlModel:
    name: str
    sql: str
    depends_on: tuple[str, ...]
    description: str

    @property
    def code_version(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()[:16]


def parse_model(path: Path) -> SqlModel:
    sql = path.read_text(encoding="utf-8")
    headers: dict[str, str] = {}
    for line in sql.splitlines():
        found = HEADER.match(line.strip())
        if not found:
            if line.strip() and not line.strip().startswith("--"):
                break
            continue
        headers[found.group(1)] = found.group(2).strip()
    if "depends_on" not in headers:
        raise ValueError(f"{path}: missing '-- depends_on: ...' header")
    deps = tuple(d.strip() for d in headers["depends_on"].split(",") if d.strip())
    return SqlModel(path.stem, sql, deps, headers.get("description", ""))


class NoModelsError(RuntimeError):
    """The models folder holds no ``.sql`` file: a broken install, never a valid project."""


def load_models(directory: Path = MODELS_DIR) -> list[SqlModel]:
    """Every model in ``directory``; finding none is an error, not an empty project."""
    models = [parse_model(path) for path in sorted(directory.glob("*.sql"))]
    if not models:
        raise NoModelsError(f"No SQL model (*.sql) in {directory}: is meetsync fully installed?")
    return models


def model_asset(model: SqlModel) -> dg.AssetsDefinition:
    @dg.asset(
        name=model.name,
        deps=list(model.depends_on),
        description=model.description,
        code_version=model.code_version,
        group_name="analytics",
        kinds={"duckdb", "sql"},
        owners=["team:meetsync"],
        pool=DUCKDB_POOL,
        backfill_policy=dg.BackfillPolicy.single_run(),
        metadata={"sql": dg.MetadataValue.md(f"```sql\n{model.sql}\n```")},
    )
    def _model(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            conn.execute(model.sql)
            rows = conn.execute(f'SELECT count(*) FROM "{model.name}"').fetchone()[0]
        return dg.MaterializeResult(metadata={"dagster/row_count": rows})

    return _model


sql_model_assets = [model_asset(model) for model in load_models()]
