"""The checks of the Meet step, evaluated over the slice it just wrote."""

import dagster as dg
import pandas as pd

from assets.warehouse.transcript_results import AVAILABLE, DECLINED

CHECKS = [
    dg.AssetCheckSpec(
        "transcript_coverage",
        asset="transcripts",
        description="Share of meetings held (not declined) with an available transcript "
        "(warns below 50%); the days below it are listed",
    ),
    dg.AssetCheckSpec(
        "one_row_per_meeting",
        asset="transcripts",
        description="Every meeting has exactly one transcripts row per partition",
    ),
    dg.AssetCheckSpec(
        "records_belong_to_one_meeting",
        asset="conference_records",
        description="No conference record is attributed to two meetings",
    ),
]
COVERAGE_WARN_BELOW = 0.5


def thin_days(transcripts: pd.DataFrame) -> list[str]:
    """The days whose share of meetings held with an available transcript is below the
    threshold (a meeting the account declined was not held)."""
    transcripts = transcripts[transcripts["transcript_status"] != DECLINED]
    days = pd.to_datetime(transcripts["partition_date"]).dt.date
    share = (transcripts["transcript_status"] == AVAILABLE).groupby(days).mean()
    return [day.isoformat() for day, value in sorted(share.items()) if value < COVERAGE_WARN_BELOW]


def coverage_checks(records: pd.DataFrame, transcripts: pd.DataFrame) -> list[dg.AssetCheckResult]:
    """A Dagster check result is for the whole step, not per partition: a backfill's run
    checks its whole range, and names the days that fall short."""
    held = int((transcripts["transcript_status"] != DECLINED).sum())
    available = int((transcripts["transcript_status"] == AVAILABLE).sum())
    coverage = available / held if held else 1.0
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
                "days_below_threshold": ", ".join(thin_days(transcripts)) or "none",
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
