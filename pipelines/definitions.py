"""The meetsync code location: assets, checks, jobs, schedules, sensors and resources."""

import warnings

import dagster as dg

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

from assets.calendar.calendar_events import calendar_events  # noqa: E402
from assets.calendar.meet_meetings import meet_meetings  # noqa: E402
from assets.models.sql_models import sql_model_assets  # noqa: E402
from assets.transcripts.meet_transcripts import meet_transcripts  # noqa: E402
from pipelines.executors import in_process_executor_with_dead_run_check  # noqa: E402
from pipelines.jobs import import_meetings, recheck_transcripts  # noqa: E402
from pipelines.loggers import print_setup_errors_as_one_line  # noqa: E402
from pipelines.resources import build_resources  # noqa: E402
from pipelines.schedules import daily_import, late_transcripts_schedule  # noqa: E402
from pipelines.sensors import dead_run_workers  # noqa: E402
from settings import Settings  # noqa: E402

settings = Settings.from_env()
print_setup_errors_as_one_line()

defs = dg.Definitions(
    assets=[calendar_events, meet_meetings, meet_transcripts, *sql_model_assets],
    jobs=[import_meetings, recheck_transcripts],
    schedules=[daily_import, late_transcripts_schedule(settings)],
    sensors=[dead_run_workers],
    resources=build_resources(settings),
    executor=in_process_executor_with_dead_run_check,
)
