"""Wahoo: a workout summary's FIT file (providers.md §6.5).

Docs: https://cloud-api.wahooligan.com/ (workout_summary: `file` {`url`}, the FIT
file recorded by the device; the `workout_summary` webhook carries the same
`file.url`, §6.7). The URL is a public CDN address of the file, so it is fetched
without our bearer token. Workouts without a summary (planned, manual or
unfinished) or without `file` have no series: None.
"""

from ..streamfiles import parse_fit
from ..streamfiles.download import download, or_none


class WahooFitFiles:
    """fetch_streams for WahooBackend."""

    has_streams = True

    def fetch_streams(self, http, credentials, activity):
        summary = activity.activity_data.get("workout_summary") or {}
        url = (
            (summary.get("file") or {}).get("url")
            if isinstance(summary, dict)
            else None
        )
        if not url:
            return None
        content = download(http, url, self.slug)
        return or_none(parse_fit(content)) if content else None
