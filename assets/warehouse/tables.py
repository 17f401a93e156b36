"""The five DuckDB tables the pipeline writes: each column list is the single source of the
table's DDL and of the column schema the Dagster UI shows."""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
import duckdb
import pandas as pd

from assets.warehouse.transcript_results import SOURCES, STATUSES


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Table:
    """A partitioned DuckDB table: the column list is the single source of its DDL and of
    the column schema shown in the Dagster UI."""

    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def dagster_schema(self) -> dg.TableSchema:
        return dg.TableSchema(
            columns=[
                dg.TableColumn(c.name, c.type, description=c.description) for c in self.columns
            ]
        )

    def metadata(self) -> dict:
        return {"dagster/column_schema": self.dagster_schema, "dagster/table_name": self.name}

    def create(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Create the table as defined, unless it exists (``migrations`` runs this)."""
        columns = ", ".join(f"{quoted_identifier(c.name)} {c.type}" for c in self.columns)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {quoted_identifier(self.name)} ({columns})")

    def add_missing_columns(self, conn: duckdb.DuckDBPyConnection) -> None:
        """Add the columns an older version of the table lacks (``migrations`` runs this)."""
        for column in self.columns:
            conn.execute(
                f"ALTER TABLE {quoted_identifier(self.name)} ADD COLUMN IF NOT EXISTS "
                f"{quoted_identifier(column.name)} {column.type}"
            )

    def empty_frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in self.column_names})

    def frame(self, rows: list[dict]) -> pd.DataFrame:
        """Rows (dicts by column name) as a frame of this table, timestamps in UTC."""
        if not rows:
            return self.empty_frame()
        return self._typed(pd.DataFrame(rows, columns=self.column_names))

    def columns_frame(self, columns: dict[str, list]) -> pd.DataFrame:
        """Columns (lists of values by column name) as a frame of this table: for many rows,
        without a dict per row."""
        if not any(columns.values()):
            return self.empty_frame()
        return self._typed(pd.DataFrame(columns, columns=self.column_names))

    def _typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        for column in self.columns:
            if column.type == "TIMESTAMPTZ":
                frame[column.name] = pd.to_datetime(frame[column.name], utc=True)
        return frame


def quoted_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


ATTENDEE_TYPE = (
    "STRUCT(email VARCHAR, response_status VARCHAR, is_optional BOOLEAN, is_organizer BOOLEAN)[]"
)
ATTACHMENTS_TYPE = "STRUCT(file_id VARCHAR, title VARCHAR, mime_type VARCHAR, file_url VARCHAR)[]"

# What kind of event it is and how the account stands in it: in both calendar tables.
INVITATION_COLUMNS = (
    Column(
        "event_type",
        "VARCHAR",
        "Calendar's eventType: default, outOfOffice, focusTime, workingLocation, birthday or "
        "fromGmail; the last five are never meetings (NULL: imported before it was kept)",
    ),
    Column(
        "attendees_omitted",
        "BOOLEAN",
        "True when Calendar left guests out (attendeesOmitted): the guest list is partial",
    ),
    Column(
        "account_response",
        "VARCHAR",
        "The connected account's own answer (accepted, declined, tentative, needsAction); "
        "NULL when it is not an attendee",
    ),
)

CALENDAR_EVENTS = Table(
    "calendar_events",
    (
        Column("event_id", "VARCHAR", "Calendar event id (an instance id for recurring events)"),
        Column("partition_date", "DATE", "Local calendar day the event starts on"),
        Column("title", "VARCHAR", "Event summary; NULL when the event has none"),
        Column("start_time", "TIMESTAMPTZ", "Start (midnight local time for all-day events)"),
        Column("end_time", "TIMESTAMPTZ", "End; equals start_time when Google gave none"),
        Column("all_day", "BOOLEAN", "True for all-day events"),
        Column("status", "VARCHAR", "confirmed or tentative (cancelled events are dropped)"),
        Column("organizer_email", "VARCHAR", "Organizer's email"),
        Column(
            "attendees", "VARCHAR[]", "Attendees' emails (rooms and entries without email left out)"
        ),
        Column(
            "attendee_responses",
            ATTENDEE_TYPE,
            "Each attendee of `attendees`: email, response_status (accepted, declined, "
            "tentative, needsAction), is_optional, is_organizer",
        ),
        Column("rooms", "VARCHAR[]", "Booked rooms (resource attendees), by resource email"),
        Column("recurring_event_id", "VARCHAR", "Id of the recurring series, if any"),
        Column("conference_solution", "VARCHAR", "hangoutsMeet, addOn, ... or NULL"),
        Column("conference_id", "VARCHAR", "Meet meeting code (abc-mnop-xyz) for Meet events"),
        Column("html_link", "VARCHAR", "Link to the event in Google Calendar"),
        Column("account_email", "VARCHAR", "The connected account whose primary calendar it is"),
        Column(
            "attachments",
            ATTACHMENTS_TYPE,
            "Files attached to the event (Meet attaches its transcript Docs): Drive file id, "
            "title, MIME type, URL",
        ),
        *INVITATION_COLUMNS,
    ),
)

MEET_MEETINGS = Table(
    "meet_meetings",
    (
        Column("event_id", "VARCHAR", "Calendar event id; one row per meeting instance"),
        Column("partition_date", "DATE", "Local calendar day the meeting starts on"),
        Column("title", "VARCHAR", "Event summary"),
        Column("start_time", "TIMESTAMPTZ", "Scheduled start"),
        Column("end_time", "TIMESTAMPTZ", "Scheduled end"),
        Column("attendees", "VARCHAR[]", "Attendees' emails (people only, never rooms)"),
        Column(
            "attendee_responses",
            ATTENDEE_TYPE,
            "Each attendee: email, response_status, is_optional, is_organizer",
        ),
        Column("rooms", "VARCHAR[]", "Booked rooms, by resource email"),
        Column("conference_id", "VARCHAR", "Meet meeting code, e.g. abc-mnop-xyz"),
        Column("organizer_email", "VARCHAR", "Organizer's email"),
        Column("recurring_event_id", "VARCHAR", "Recurring series id; instances share a code"),
        Column("account_email", "VARCHAR", "The connected account whose calendar it is on"),
        Column("attachments", ATTACHMENTS_TYPE, "Files attached to the event"),
        *INVITATION_COLUMNS,
    ),
)
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
        Column(
            "transcript_final",
            "BOOLEAN",
            "For an available transcript: true once Meet generated every transcript file "
            "(FILE_GENERATED), false while one is only ENDED and may still change (fetched "
            "again by late_transcripts); NULL for other statuses",
        ),
        Column("entry_count", "INTEGER", "Transcript entries assembled"),
        Column("record_count", "INTEGER", "Conference records matched to the meeting"),
        Column("transcript_names", "VARCHAR[]", "Meet transcripts seen, any state"),
        Column("status_detail", "VARCHAR", "Why a fetch failed or was refused, if it did"),
        Column("checked_at", "TIMESTAMPTZ", "When Meet was asked"),
        Column(
            "transcript_source",
            "VARCHAR",
            "Where the transcript came from: " + " or ".join(SOURCES) + "; NULL if none",
        ),
        Column(
            "transcript_doc_ids",
            "VARCHAR[]",
            "Google Docs of the transcripts (Meet's docsDestination, or the Doc attached)",
        ),
        Column(
            "doc_texts",
            "VARCHAR[]",
            "The Docs' text as exported (drive_doc), kept for re-parsing without a new fetch",
        ),
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
        Column(
            "offset_seconds",
            "INTEGER",
            "Doc transcripts (times unknown): seconds from the transcript's start to the "
            "timestamp line above the paragraph",
        ),
    ),
)

# Every table the pipeline writes, in the order the data flows.
PIPELINE_TABLES = (
    CALENDAR_EVENTS,
    MEET_MEETINGS,
    CONFERENCE_RECORDS,
    TRANSCRIPTS,
    TRANSCRIPT_ENTRIES,
)
