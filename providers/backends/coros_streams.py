"""COROS: a workout's FIT file (providers.md §5.4).

Each workout record (listing and push alike) carries `fitUrl`, a pre-signed
object-storage URL of the workout's FIT file (COROS API Reference V2, as quoted by
c2corg/c2c_tracking's coros.api.ts and providers.md §5.4; the listing itself has no
heart rate or elevation: "parse the FIT file"). The URL authorises itself, so it is
fetched without our token (COROS data calls never take a bearer header anyway, they
put `token` in the query, which must not leak to a storage host). A record without
`fitUrl` (a manual entry) has no series: None.
"""

from ..streamfiles import parse_fit
from ..streamfiles.download import download, or_none


class CorosFitFiles:
    """fetch_streams for CorosBackend."""

    has_streams = True

    def fetch_streams(self, http, credentials, activity):
        url = activity.activity_data.get("fitUrl")
        if not url:
            return None
        content = download(http, url, self.slug)
        return or_none(parse_fit(content)) if content else None
