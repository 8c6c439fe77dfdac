"""Google Health ("Fitbit"): an exercise's route and heart rate, as TCX (§7.3).

Docs: https://developers.google.com/health/reference/rest/v4/users.dataTypes.dataPoints/exportExerciseTcx
GET /v4/users/me/dataTypes/exercise/dataPoints/{id}:exportExerciseTcx?alt=media
answers the raw TCX file (`alt=media`; without it a JSON wrapper meant for gRPC
clients). `partialData=true` includes the trackpoints "when the GPS data is not
available", so indoor exercises still give their heart rate. The method needs an
activity_and_fitness scope AND a location scope, which is why the backend asks for
`googlehealth.location.readonly` (optional: without it this call is refused and the
exercise has no series). `{user}` is the alias `me` ("currently"), and the data
point id is the last segment of the exercise's `name`.

Why not the intraday data types: the workouts guide
(https://developers.google.com/health/data-types/workouts) maps the exercise's
summary to separate data types (`heart-rate`, `distance`, ...) to be queried over the
exercise's interval, but heart-rate needs yet another scope
(health_metrics_and_measurements) and the route is only documented through this
export; one TCX request gives both, in a documented file format.
"""

from ..streamfiles import parse_tcx
from ..streamfiles.download import download, or_none


class GoogleHealthExerciseTcx:
    """fetch_streams for FitbitBackend."""

    has_streams = True

    def fetch_streams(self, http, credentials, activity):
        point_id = str(activity.provider_activity_id).rstrip("/").rpartition("/")[2]
        url = (
            f"{self.api_url}/v4/users/me/dataTypes/exercise/dataPoints/"
            f"{point_id}:exportExerciseTcx?alt=media&partialData=true"
        )
        content = download(
            http,
            url,
            self.slug,
            headers=self.api_headers(credentials),
            reauth_statuses=self.reauth_statuses,
        )
        return or_none(parse_tcx(content)) if content else None
