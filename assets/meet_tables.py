"""The three DuckDB tables the Meet step writes: conference records, transcripts, entries."""

from assets.transcript_assembly import SOURCES, STATUSES
from assets.warehouse import Column, Table

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
