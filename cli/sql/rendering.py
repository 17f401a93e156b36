"""A statement's rows as an aligned text table, one ``column = value`` line per column (full
text, like DuckDB's ``.mode line``), CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock_time
from decimal import Decimal
from typing import Any

FORMATS = ("table", "line", "csv", "json")
MAX_CELL_WIDTH = 80
TAB_WIDTH = 4
# Characters that would move the cursor or change the terminal's state, shown escaped instead.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Result:
    """The rows a statement returned."""

    columns: list[str]
    rows: list[tuple]


def render(result: Result, output_format: str) -> str:
    """``result`` as text in one of FORMATS, ending with a newline."""
    if output_format == "csv":
        return as_csv(result)
    if output_format == "json":
        return as_json(result)
    if output_format == "table":
        return as_table(result)
    if output_format == "line":
        return as_lines(result)
    raise ValueError(f"unknown format {output_format!r}; one of {', '.join(FORMATS)}")


def as_table(result: Result) -> str:
    """An aligned text table: header, separator, rows (numbers right-aligned), row count.

    A value with line breaks takes several lines of its row (rows are then separated by a
    rule); each line is cut at MAX_CELL_WIDTH columns. ``--format line`` shows full text."""
    cells = [[table_cell(value) for value in row] for row in result.rows]
    widths = [
        max([display_width(name)] + [display_width(line) for row in cells for line in row[i]])
        for i, name in enumerate(result.columns)
    ]
    right = [is_numeric_column(result.rows, i) for i in range(len(result.columns))]
    rule = "-+-".join("-" * width for width in widths)
    tall = any(len(cell) > 1 for row in cells for cell in row)
    lines = [aligned_line(result.columns, widths, right), rule]
    for index, row in enumerate(cells):
        if tall and index:
            lines.append(rule)
        lines.extend(
            aligned_line([cell[n] if n < len(cell) else "" for cell in row], widths, right)
            for n in range(max((len(cell) for cell in row), default=1))
        )
    lines.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def aligned_line(cells: Sequence[str], widths: list[int], right: list[bool]) -> str:
    padded = []
    for cell, width, to_right in zip(cells, widths, right, strict=True):
        padding = " " * (width - display_width(cell))
        padded.append(padding + cell if to_right else cell + padding)
    return " | ".join(padded)


def is_numeric_column(rows: list[tuple], index: int) -> bool:
    values = [row[index] for row in rows if row[index] is not None]
    return bool(values) and all(is_number(value) for value in values)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def table_cell(value: Any) -> list[str]:
    """A value as the lines of its table cell, each at most MAX_CELL_WIDTH columns; NULL as
    ``NULL``."""
    if value is None:
        return ["NULL"]
    return [truncate(line, MAX_CELL_WIDTH) for line in text_lines(value_text(value))]


def text_lines(text: str) -> list[str]:
    """``text`` split at its line breaks, tabs expanded, other control characters escaped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [printable(line.expandtabs(TAB_WIDTH)) for line in lines]


def printable(text: str) -> str:
    return CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def as_lines(result: Result) -> str:
    """Every row as ``column = value`` lines, names right-aligned, the full text of each value
    (line breaks kept); a blank line between rows. No rows, no output (as DuckDB's
    ``.mode line``)."""
    width = max((display_width(name) for name in result.columns), default=0)
    blocks = []
    for row in result.rows:
        lines = []
        for name, value in zip(result.columns, row, strict=True):
            text = "NULL" if value is None else "\n".join(text_lines(value_text(value)))
            lines.append(" " * (width - display_width(name)) + f"{name} = {text}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def truncate(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def display_width(text: str) -> int:
    """Terminal columns of ``text``: wide East Asian characters take two, combining none."""
    return sum(char_width(char) for char in text)


def char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def value_text(value: Any) -> str:
    """The full text of a non-NULL value, nested values written as DuckDB writes them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | clock_time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(nested_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"'{k}': {nested_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bytes | bytearray):
        return "".join(chr(b) if 32 <= b < 127 and b != 92 else f"\\x{b:02X}" for b in value)
    return str(value)


NEEDS_QUOTES = re.compile(r"""[,'"\[\]{}():=\\]|^\s|\s$|^$|^NULL$""", re.IGNORECASE)


def nested_text(value: Any) -> str:
    """A value inside a list or struct: strings quoted when DuckDB would quote them."""
    if value is None:
        return "NULL"
    if isinstance(value, str) and NEEDS_QUOTES.search(value):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return value_text(value)


def as_csv(result: Result) -> str:
    """CSV with a header row; NULL as an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(["" if v is None else value_text(v) for v in row] for row in result.rows)
    return out.getvalue()


def as_json(result: Result) -> str:
    """A JSON list of objects, one per row; timestamps ISO-8601, NULL as null."""
    objects = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    return json.dumps(jsonable(objects), ensure_ascii=False, indent=2, default=str) + "\n"


def jsonable(value: Any) -> Any:
    """``value`` with everything json cannot write natively made plain (keys as strings,
    times as ISO-8601, decimals as floats, NaN/infinity as null)."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date | clock_time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes | bytearray):
        return value_text(value)
    return value
