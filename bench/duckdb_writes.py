"""DuckDB write throughput of the pipeline's slice replacement (assets.warehouse.replace_slice)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from assets.warehouse.migrations import migrate
from assets.warehouse.slices import replace_slice
from assets.warehouse.tables import TRANSCRIPT_ENTRIES
from emulator.data import corpus


@dataclass
class WriteResult:
    rows: int
    days: int
    first_write_seconds: float  # into an empty table
    rewrite_seconds: float  # the same slice again: DELETE of the old rows plus INSERT
    file_bytes: int

    @property
    def first_write_rate(self) -> float:
        return self.rows / self.first_write_seconds

    @property
    def rewrite_rate(self) -> float:
        return self.rows / self.rewrite_seconds


def synthetic_entries(rows: int, days: int, first_day: date, seed: int = 3) -> pd.DataFrame:
    """transcript_entries rows shaped like the pipeline's (same columns and dtypes, ~30
    entries a meeting, utterances from the emulator's corpus), spread over ``days`` days."""
    rng = np.random.default_rng(seed)
    per_meeting = 30
    meeting = np.arange(rows) // per_meeting
    index = np.arange(rows) % per_meeting
    day = meeting % days
    record = np.char.add("conferenceRecords/rec", meeting.astype(str))
    transcript = np.char.add(record, "/transcripts/t0")
    start = (
        pd.Timestamp(first_day, tz="UTC")
        + pd.to_timedelta(day, unit="D")
        + pd.to_timedelta(9 * 3600 + index * 40 + meeting % 3600, unit="s")
    ).astype("datetime64[us, UTC]")
    utterances = np.array(corpus.UTTERANCES, dtype=object)
    speakers = np.array([name for _, name in corpus.COLLEAGUES], dtype=object)
    frame = pd.DataFrame(
        {
            "entry_name": np.char.add(
                np.char.add(transcript, "/entries/e"), index.astype(str)
            ).astype(object),
            "event_id": np.char.add("evt", meeting.astype(str)).astype(object),
            "partition_date": (pd.Timestamp(first_day) + pd.to_timedelta(day, unit="D")).astype(
                "datetime64[us]"
            ),
            "entry_index": index,
            "record_name": record.astype(object),
            "transcript_name": transcript.astype(object),
            "participant_name": np.char.add(
                np.char.add(record, "/participants/p"), (index % 5).astype(str)
            ).astype(object),
            "speaker": speakers[rng.integers(0, len(speakers), rows)],
            "text": utterances[rng.integers(0, len(utterances), rows)],
            "language_code": np.full(rows, "en-US", dtype=object),
            "start_time": start,
            "end_time": (start + pd.to_timedelta(rng.uniform(1.5, 30, rows), unit="s")).astype(
                "datetime64[us, UTC]"
            ),
            "offset_seconds": np.full(rows, None, dtype=object),  # Meet API entries have none
        }
    )
    return frame[TRANSCRIPT_ENTRIES.column_names]


def measure(rows: int = 600_000, days: int = 30) -> WriteResult:
    first_day = date(2026, 1, 1)
    end_day = first_day + timedelta(days=days)
    frame = synthetic_entries(rows, days, first_day)
    with tempfile.TemporaryDirectory(prefix="meetsync-bench-duckdb-") as tmp:
        path = Path(tmp) / "writes.duckdb"
        with duckdb.connect(str(path)) as conn:
            migrate(conn)
            started = time.perf_counter()
            written = replace_slice(conn, TRANSCRIPT_ENTRIES, frame, first_day, end_day)
            first_write = time.perf_counter() - started
            started = time.perf_counter()
            replace_slice(conn, TRANSCRIPT_ENTRIES, frame, first_day, end_day)
            rewrite = time.perf_counter() - started
            stored = conn.execute("SELECT count(*) FROM transcript_entries").fetchone()[0]
            conn.execute("CHECKPOINT")
        if written != rows or stored != rows:
            raise RuntimeError(f"wrote {written} rows, table holds {stored}, expected {rows}")
        size = path.stat().st_size
    return WriteResult(rows, days, first_write, rewrite, size)
