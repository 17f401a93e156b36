"""Every ``dbt_like_sql/*.sql`` file becomes a Dagster asset that (re)creates a DuckDB view named
after the file, from the file's plain ``SELECT``.

A file starts with header comments: ``-- depends_on: a, b`` names the upstream assets or
models, ``-- description: ...`` what the model is, and ``-- column: name: what it holds``
documents a column. The code version is the file's hash, so an edited model shows as changed
in the UI.

A model may count meetings by status with ``$transcript_status_counts``: the loader puts there
one ``count(*) FILTER (WHERE transcript_status = ...)`` column per status of
``transcript_results.STATUS_COUNT_COLUMNS``, described by its ``STATUS_MEANINGS``, so the
statuses a model counts are the ones Python defines. No other value is ever written into SQL.

A model's column schema is the view's own: its columns and types are what DuckDB's DESCRIBE
says of the view, created over empty pipeline tables when the code location loads and over
the warehouse when it is materialized. A column's description is its ``-- column:`` header,
or else the description of the same-named column of the first upstream table or model that
has one (a column passed through unchanged keeps its meaning).
"""

import hashlib
import importlib.resources
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

import dbt_like_sql
from assets.warehouse.migrations import migrate
from assets.warehouse.tables import PIPELINE_TABLES, Table, quoted_identifier
from assets.warehouse.transcript_results import STATUS_COUNT_COLUMNS, STATUS_MEANINGS

MODELS_DIR = Path(str(importlib.resources.files(dbt_like_sql)))
HEADER = re.compile(r"^--\s*(depends_on|description|column)\s*:\s*(.*)$")
STATUS_COUNTS = "$transcript_status_counts"


def transcript_status_counts() -> str:
    """The columns ``$transcript_status_counts`` stands for, one per status."""
    return ",\n        ".join(
        f"count(*) FILTER (WHERE transcript_status = '{status}') AS {quoted_identifier(column)}"
        for status, column in STATUS_COUNT_COLUMNS.items()
    )


@dataclass(frozen=True)
class SqlModel:
    name: str
    sql: str
    depends_on: tuple[str, ...]
    description: str
    columns: dict[str, str] = field(default_factory=dict)  # column -> its `-- column:` text

    @property
    def code_version(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()[:16]

    @property
    def statement(self) -> str:
        """The SQL after the header comments: the model's SELECT, its status counts spelled
        out."""
        lines = self.sql.splitlines()
        first = next((i for i, line in enumerate(lines) if _is_code(line)), len(lines))
        return "\n".join(lines[first:]).strip().replace(STATUS_COUNTS, transcript_status_counts())

    @property
    def create_view(self) -> str:
        """The statement that (re)creates the model's view, named after its file."""
        return f"CREATE OR REPLACE VIEW {quoted_identifier(self.name)} AS\n{self.statement}"


def _is_code(line: str) -> bool:
    return bool(line.strip()) and not line.strip().startswith("--")


def parse_model(path: Path) -> SqlModel:
    sql = path.read_text(encoding="utf-8")
    headers: dict[str, str] = {}
    columns: dict[str, str] = {}
    for line in sql.splitlines():
        found = HEADER.match(line.strip())
        if not found:
            if _is_code(line):
                break
            continue
        if found.group(1) == "column":
            name, _, text = found.group(2).partition(":")
            if not name.strip() or not text.strip():
                raise ValueError(f"{path}: write '-- column: name: description', not {line!r}")
            columns[name.strip()] = text.strip()
        else:
            headers[found.group(1)] = found.group(2).strip()
    if "depends_on" not in headers:
        raise ValueError(f"{path}: missing '-- depends_on: ...' header")
    deps = tuple(d.strip() for d in headers["depends_on"].split(",") if d.strip())
    if STATUS_COUNTS in sql:
        columns |= {STATUS_COUNT_COLUMNS[s]: m for s, m in STATUS_MEANINGS.items()}
    return SqlModel(path.stem, sql, deps, headers.get("description", ""), columns)


class NoModelsError(RuntimeError):
    """The models folder holds no ``.sql`` file: a broken install, never a valid project."""


def load_models(directory: Path = MODELS_DIR) -> list[SqlModel]:
    """Every model in ``directory``; finding none is an error, not an empty project."""
    models = [parse_model(path) for path in sorted(directory.glob("*.sql"))]
    if not models:
        raise NoModelsError(f"No SQL model (*.sql) in {directory}: is meetsync fully installed?")
    return models


def in_dependency_order(models: Sequence[SqlModel]) -> list[SqlModel]:
    """The models, each after the models it depends on."""
    by_name = {model.name: model for model in models}
    graph = {m.name: [d for d in m.depends_on if d in by_name] for m in models}
    return [by_name[name] for name in TopologicalSorter(graph).static_order()]


def describe_view(conn: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    """(column, type) of a view, as DuckDB's DESCRIBE gives them."""
    return [
        (row[0], row[1]) for row in conn.execute(f"DESCRIBE {quoted_identifier(name)}").fetchall()
    ]


def column_schema(columns: list[tuple[str, str]], descriptions: dict[str, str]) -> dg.TableSchema:
    """The Dagster column schema of a view's (column, type) list."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, type_, description=descriptions.get(name))
            for name, type_ in columns
        ]
    )


def view_schemas(
    models: Sequence[SqlModel], tables: Sequence[Table] = PIPELINE_TABLES
) -> dict[str, dg.TableSchema]:
    """model -> the column schema of its view, created in memory over empty ``tables``. A
    column that neither a header nor an upstream column describes has no description."""
    known = {t.name: {c.name: c.description for c in t.columns} for t in tables}
    schemas = {}
    with duckdb.connect(":memory:") as conn:
        migrate(conn)
        for model in in_dependency_order(models):
            conn.execute(model.create_view)
            columns = describe_view(conn, model.name)
            upstream = [known.get(dep, {}) for dep in model.depends_on]
            known[model.name] = {
                name: text
                for name, _ in columns
                if (text := model.columns.get(name) or _first_description(name, upstream))
            }
            schemas[model.name] = column_schema(columns, known[model.name])
    return schemas


def _first_description(column: str, upstream: list[dict[str, str]]) -> str | None:
    return next((columns[column] for columns in upstream if columns.get(column)), None)


def model_asset(model: SqlModel, schema: dg.TableSchema) -> dg.AssetsDefinition:
    """The asset that (re)creates the model's view. Its description ends with the view's SQL
    (the UI shows a description in full, where a long metadata value is cut or folded away);
    each materialization records the schema DuckDB gives the view it created."""
    descriptions = {c.name: c.description for c in schema.columns if c.description}

    @dg.asset(
        name=model.name,
        deps=list(model.depends_on),
        description=f"{model.description}\n\n```sql\n{model.statement}\n```",
        code_version=model.code_version,
        group_name="analytics",
        kinds={"duckdb", "sql"},
        owners=["team:meetsync"],
        backfill_policy=dg.BackfillPolicy.single_run(),
        metadata={
            "dagster/column_schema": schema,
            "dagster/table_name": model.name,
            "sql_file": dg.MetadataValue.path(str(MODELS_DIR / f"{model.name}.sql")),
        },
    )
    def _model(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            migrate(conn)
            conn.execute(model.create_view)
            rows = conn.execute(f"SELECT count(*) FROM {quoted_identifier(model.name)}").fetchone()[
                0
            ]
            columns = describe_view(conn, model.name)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "dagster/column_schema": column_schema(columns, descriptions),
            }
        )

    return _model


_MODELS = load_models()
_SCHEMAS = view_schemas(_MODELS)
sql_model_assets = [model_asset(model, _SCHEMAS[model.name]) for model in _MODELS]
