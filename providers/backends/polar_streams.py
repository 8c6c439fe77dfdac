"""Polar AccessLink v3: an exercise's FIT file (providers.md §4.5).

Docs: https://www.polar.com/accesslink-api/ ("Exercises": GET
/v3/exercises/{exerciseId}/fit, also /tcx and /gpx, the last only for exercises with
GPS; Bearer token). The FIT file is the richest of the three (heart rate, speed,
cadence, power and, with GPS, the route) and parses with the same reader as COROS
and Wahoo files. 204/404: Polar holds no file for it (None). Like every AccessLink
data call it only works for exercises still listed (uploaded in the last 30 days).
"""

from ..streamfiles import parse_fit
from ..streamfiles.download import download, or_none


class PolarExerciseFiles:
    """fetch_streams for PolarBackend."""

    has_streams = True

    def fetch_streams(self, http, credentials, activity):
        content = download(
            http,
            f"{self.api_url}/v3/exercises/{activity.provider_activity_id}/fit",
            self.slug,
            headers={**self.api_headers(credentials), "Accept": "*/*"},
            reauth_statuses=self.reauth_statuses,
        )
        return or_none(parse_fit(content)) if content else None
