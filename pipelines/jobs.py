"""Jobs: the full import of a day (or range), and the late-transcript re-check."""

import dagster as dg

from assets.warehouse.partitions import daily_partitions

import_meetings = dg.define_asset_job(
    "import_meetings",
    selection=dg.AssetSelection.all(),
    partitions_def=daily_partitions,
    description="Calendar events, Meet meetings, conference records and transcripts of the "
    "selected days, then the SQL models on top.",
)

recheck_transcripts = dg.define_asset_job(
    "recheck_transcripts",
    selection=dg.AssetSelection.assets("transcripts").downstream().required_multi_asset_neighbors(),
    partitions_def=daily_partitions,
    description="Fetch again the transcripts of days that still have meetings whose "
    "transcript was pending or not final, whose fetch failed or was refused, or whose "
    "conference was not found yet.",
)
