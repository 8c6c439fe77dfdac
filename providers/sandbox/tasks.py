"""What the sandbox does after answering: Garmin's backfill arrives later, by push."""

import logging
from datetime import UTC, datetime

from django.tasks import task

from ..http import make_session
from . import data
from .garmin import backfill_push_payload

logger = logging.getLogger(__name__)


@task()
def push_garmin_backfill(webhook_url, athlete_id, start_ts, end_ts):
    """POST the accepted backfill's summaries to our Garmin webhook, as Garmin does
    once it has prepared them (providers.md §3.5, §3.7)."""
    athlete = data.get_athlete(athlete_id)
    start = datetime.fromtimestamp(start_ts, UTC)
    end = datetime.fromtimestamp(end_ts, UTC)
    payload = backfill_push_payload(athlete, start, end)
    response = make_session("garmin-sandbox").post(webhook_url, json=payload)
    logger.info(
        "sandbox pushed %s Garmin summaries to %s: HTTP %s",
        len(payload["activities"]),
        webhook_url,
        response.status_code,
    )
