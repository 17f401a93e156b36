"""Steps 3 and 4: each meeting's Meet conference records and its assembled transcript.

One step writes three tables so that every meeting's fetches run as one pipeline on the
worker pool: conference records by meeting code, then transcripts, participants and entries.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import dagster as dg
import duckdb
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.meet_meetings import meet_meetings
from assets.record_matching import Meeting, assign_records, lookup_windows, parse_google_time
from assets.transcript_assembly import AVAILABLE, STATUSES, MeetingTranscript, assemble
from assets.warehouse import Column, Table, query_slice, replace_slice
from pipelines.partitions import daily_partitions
from resources.google_workspace import ConferenceLookup, GoogleWorkspaceResource

CONFERENCE_RECORDS = Table(
    "conference_records",
    (
        Column("record_name", "VARCHAR", "conferenceRecords/<id>"),
        Column("event_id", "VARCHAR", "The meeting instance the record belongs to"),
        Column("conference_id", "VARCHAR", "Meet meeting code"),
        Column("partition_date", "DATE", "The meeting's partition"),
        Column("start_time", "TIMESTAMPTZ", "When the first participant joined"),
        Column("end_time", "TIMESTAMPTZ", "When the last participant left; NULL if ongoing"),
        Column("expire_time", "TIMESTAMPTZ", "When Meet deletes the record (30 days)"),
        Column("space", "VARCHAR", "spaces/<id>"),
    ),
)
TRANSCRIPTS = Table(
    "transcripts",
    (
        Column("event_id", "VARCHAR", "Calendar event id of the meeting"),
        Column("partition_date", "DATE", "The meeting's partition"),
        Column("conference_id", "VARCHAR", "Meet meeting code"),
        Column("transcript_status", "VARCHAR", "One of: " + ", ".join(STATUSES)),
        Column("transcript", "VARCHAR", "'Speaker: utterance' lines in time order; '' if none"),
        Column("entry_count", "INTEGER", "Transcript entries assembled"),
        Column("record_count", "INTEGER", "Conference records matched to the meeting"),
        Column("transcript_names", "VARCHAR[]", "Meet transcripts seen, any state"),
        Column("status_detail", "VARCHAR", "Why a fetch failed or was refused, if it did"),
        Column("checked_at", "TIMESTAMPTZ", "When Meet was asked"),
    ),
)
TRANSCRIPT_ENTRIES = Table(
    "transcript_entries",
    (
        Column("entry_name", "VARCHAR", ".../transcripts/<t>/entries/<e>"),
        Column("event_id", "VARCHAR", "Calendar event id of the meeting"),
        Column("partition_date", "DATE", "The meeting's partition"),
        Column("entry_index", "INTEGER", "Position in the meeting's transcript, from 0"),
        Column("record_name", "VARCHAR", "Conference record of the entry"),
        Column("transcript_name", "VARCHAR", "Transcript of the entry"),
        Column("participant_name", "VARCHAR", "conferenceRecords/<id>/participants/<p>"),
        Column("speaker", "VARCHAR", "Participant display name, or 'Unknown speaker'"),
        Column("text", "VARCHAR", "What was said"),
        Column("language_code", "VARCHAR", "BCP-47 language of the entry"),
        Column("start_time", "TIMESTAMPTZ", "Start of the utterance"),
        Column("end_time", "TIMESTAMPTZ", "End of the utterance"),
    ),
)

CHECKS = [
    dg.AssetCheckSpec(
        "transcript_coverage",
        asset="transcripts",
        description="Share of meetings with an available transcript (warns below 50%)",
    ),
    dg.AssetCheckSpec("one_row_per_meeting", asset="transcripts"),
    dg.AssetCheckSpec(
        "records_belong_to_one_meeting",
        asset="conference_records",
        description="No conference record is attributed to two meetings",
    ),
]
COVERAGE_WARN_BELOW = 0.5


def meetings_of(frame: pd.DataFrame) -> list[Meeting]:
    return [
        Meeting(row.event_id, row.conference_id, row.start_time, row.end_time)
        for row in frame.itertuples()
        if isinstance(row.conference_id, str)
    ]


def build_frames(
    meetings_frame: pd.DataFrame, lookups: dict[str, ConferenceLookup], now: datetime
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """conference_records, transcripts and transcript_entries rows for a slice's meetings."""
    meetings = meetings_of(meetings_frame)
    assigned = assign_records(
        meetings, {code: lookup.records for code, lookup in lookups.items()}, now
    )
    record_rows, transcript_rows, entry_rows = [], [], []
    for row in meetings_frame.itertuples():
        code = row.conference_id if isinstance(row.conference_id, str) else None
        lookup = lookups.get(code) if code else None
        records = assigned.get(row.event_id, [])
        result = assemble(
            row.end_time,
            records,
            [lookup.transcripts[r["name"]] for r in records if r["name"] in lookup.transcripts]
            if lookup
            else [],
            now,
            lookup_error=lookup.error if lookup else None,
            lookup_unsupported=lookup.unsupported if lookup else False,
        )
        record_rows += [_record_row(row, record) for record in records]
        transcript_rows.append(_transcript_row(row, code, result, len(records), now))
        entry_rows += [
            {
                "event_id": row.event_id,
                "partition_date": row.partition_date,
                "entry_index": index,
                **vars(entry),
            }
            for index, entry in enumerate(result.entries)
        ]
    return (
        _frame(CONFERENCE_RECORDS, record_rows),
        _frame(TRANSCRIPTS, transcript_rows),
        _frame(TRANSCRIPT_ENTRIES, entry_rows),
    )


def _record_row(meeting, record: dict) -> dict:
    return {
        "record_name": record["name"],
        "event_id": meeting.event_id,
        "conference_id": meeting.conference_id,
        "partition_date": meeting.partition_date,
        "start_time": parse_google_time(record.get("startTime")),
        "end_time": parse_google_time(record.get("endTime")),
        "expire_time": parse_google_time(record.get("expireTime")),
        "space": record.get("space") if isinstance(record.get("space"), str) else None,
    }


def _transcript_row(meeting, code, result: MeetingTranscript, records: int, now) -> dict:
    return {
        "event_id": meeting.event_id,
        "partition_date": meeting.partition_date,
        "conference_id": code,
        "transcript_status": result.status,
        "transcript": result.text,
        "entry_count": len(result.entries),
        "record_count": records,
        "transcript_names": result.transcript_names,
        "status_detail": result.detail,
        "checked_at": now,
    }


def _frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return table.empty_frame()
    frame = pd.DataFrame(rows, columns=table.column_names)
    for column in table.columns:
        if column.type == "TIMESTAMPTZ":
            frame[column.name] = pd.to_datetime(frame[column.name], utc=True)
    return frame


def coverage_checks(records: pd.DataFrame, transcripts: pd.DataFrame) -> list[dg.AssetCheckResult]:
    available = int((transcripts["transcript_status"] == AVAILABLE).sum())
    coverage = available / len(transcripts) if len(transcripts) else 1.0
    doubled = int(records["record_name"].duplicated().sum())
    duplicates = int(transcripts["event_id"].duplicated().sum())
    statuses = transcripts["transcript_status"].value_counts().to_dict()
    return [
        dg.AssetCheckResult(
            asset_key="transcripts",
            check_name="transcript_coverage",
            passed=coverage >= COVERAGE_WARN_BELOW,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "coverage": round(coverage, 4),
                **{f"status_{k}": v for k, v in statuses.items()},
            },
        ),
        dg.AssetCheckResult(
            asset_key="transcripts",
            check_name="one_row_per_meeting",
            passed=duplicates == 0,
            metadata={"duplicate_meetings": duplicates},
        ),
        dg.AssetCheckResult(
            asset_key="conference_records",
            check_name="records_belong_to_one_meeting",
            passed=doubled == 0,
            metadata={"records_in_two_meetings": doubled},
        ),
    ]


def _spec(table: Table, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        table.name,
        deps=[meet_meetings],
        description=description,
        group_name="google_meet",
        kinds={"google", "duckdb"},
        owners=["team:meetsync"],
        metadata=table.metadata(),
        partitions_def=daily_partitions,
    )


@dg.multi_asset(
    specs=[
        _spec(
            CONFERENCE_RECORDS,
            "Meet conference records of each meeting, matched on time: a recurring series "
            "shares one meeting code, so a record belongs to the instance it overlaps "
            "(allowing for early starts and overruns), and one meeting can have several.",
        ),
        _spec(
            TRANSCRIPTS,
            "One row per Meet meeting: its transcript as 'Speaker: utterance' lines across all "
            "its records and transcripts (FILE_GENERATED or ENDED), and a status: available, "
            "pending, no_transcript, no_conference, expired, unsupported or failed.",
        ),
        _spec(
            TRANSCRIPT_ENTRIES,
            "Every transcript entry of every meeting, with the speaker resolved through the "
            "record's participants (signed-in, anonymous or phone).",
        ),
    ],
    check_specs=CHECKS,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=False,
)
def meet_transcripts(
    context: dg.AssetExecutionContext,
    google: GoogleWorkspaceResource,
    duckdb: DuckDBResource,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Conference records, transcripts and transcript entries of the slice's Meet meetings,
    fetched concurrently and written in one transaction."""
    window = context.partition_time_window
    first_day, end_day = window.start.date(), window.end.date()
    with duckdb.get_connection() as conn:
        meetings = query_slice(conn, "meet_meetings_of_slice", first_day, end_day)
    records, transcripts, entries = fetch_meet_frames(google, meetings, datetime.now(UTC))
    with duckdb.get_connection() as conn:
        counts = write_all(conn, first_day, end_day, records, transcripts, entries)
    calls = google.request_counts()
    context.log.info("Google calls: %s", calls)
    for table in (CONFERENCE_RECORDS, TRANSCRIPTS, TRANSCRIPT_ENTRIES):
        yield dg.MaterializeResult(
            asset_key=table.name,
            metadata={
                "dagster/row_count": counts[table.name],
                "google_requests": sum(calls.values()),
            },
        )
    yield from coverage_checks(records, transcripts)


def fetch_meet_frames(
    google: GoogleWorkspaceResource, meetings: pd.DataFrame, now: datetime
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Ask Meet about a slice's meetings; the conference_records, transcripts and
    transcript_entries rows that result."""
    lookups = google.fetch_conferences(
        lookup_windows(meetings_of(meetings)),
        select_records=lambda lookup: _matched_records(meetings, lookup, now),
    )
    return build_frames(meetings, lookups, now)


def _matched_records(meetings: pd.DataFrame, lookup: ConferenceLookup, now: datetime) -> list[dict]:
    same_code = meetings[meetings["conference_id"] == lookup.meeting_code]
    assigned = assign_records(meetings_of(same_code), {lookup.meeting_code: lookup.records}, now)
    return [record for records in assigned.values() for record in records]


def write_all(
    conn: duckdb.DuckDBPyConnection,
    first_day: date,
    end_day: date,
    records: pd.DataFrame,
    transcripts: pd.DataFrame,
    entries: pd.DataFrame,
) -> dict[str, int]:
    """Replace the slice of all three tables in one transaction."""
    conn.execute("BEGIN TRANSACTION")
    try:
        counts = {
            table.name: replace_slice(conn, table, frame, first_day, end_day, own_transaction=False)
            for table, frame in (
                (CONFERENCE_RECORDS, records),
                (TRANSCRIPTS, transcripts),
                (TRANSCRIPT_ENTRIES, entries),
            )
        }
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return counts
