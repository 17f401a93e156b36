"""The asset meet_transcripts: one step that writes conference_records, transcripts and
transcript_entries (``meet_step.import_meet_slice`` does the work).

One step writes the three tables so that every meeting's fetches run as one pipeline on the
worker pool: conference records by meeting code, then transcripts, participants and entries
(``assets/meet/``); the Docs of meetings Meet no longer keeps come from Drive
(``assets/drive/``).
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg

from assets.transcripts.meet_step import MEET_TABLES, import_meet_slice
from assets.transcripts.transcript_checks import CHECKS
from assets.warehouse.partition_metadata import days_label, record_day_metadata
from assets.warehouse.partitions import daily_partitions
from assets.warehouse.tables import CONFERENCE_RECORDS, TRANSCRIPT_ENTRIES, TRANSCRIPTS, Table
from resources.duckdb_warehouse import WarehouseResource
from resources.google_workspace import GoogleWorkspaceResource


def _spec(table: Table, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        table.name,
        deps=["meet_meetings"],
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
            "its records and transcripts (FILE_GENERATED or ENDED; transcript_final says which), "
            "and a status: available, pending, no_transcript, no_conference, expired, "
            "unsupported, not_permitted (the user did not grant Meet access) or failed. Meetings "
            "Meet no longer keeps (30 days) take the transcript from the Google Doc Meet wrote "
            "(transcript_source drive_doc) when the Drive permission was granted.",
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
    duckdb: WarehouseResource,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Conference records, transcripts and transcript entries of the slice's Meet meetings,
    fetched concurrently: from Meet for the meetings it still keeps, from the Google Docs
    Meet wrote (Drive) for older ones; history is written window by window
    (``window_plan``), each window in one transaction over the three tables."""
    window = context.partition_time_window
    written = import_meet_slice(
        google.get_client(),
        duckdb.get_connection,
        window.start.date(),
        window.end.date(),
        now=datetime.now(UTC),
        meetings_per_write=duckdb.meetings_per_write,
        log=context.log,
    )
    label = days_label(window.start.date(), window.end.date())
    for table in MEET_TABLES:
        record_day_metadata(context, table.name, written.day_numbers[table.name])
        yield dg.MaterializeResult(
            asset_key=table.name,
            metadata={"fetched_range": label, "range_google_requests": written.requests},
        )
    yield from written.checks()
