"""What a backend is given to put a planned workout on the athlete's device.

planning builds a PlannedWorkout from its Workout (providers never import planning or
sync); a backend that `accepts_workouts` turns it into its provider's payload. The
structure is planning's validated form, {"steps": [...]} (planning/structure.py):
steps of kind warmup/interval/recovery/rest/cooldown lasting `duration_s` or
`distance_m`, with an optional target ({"type": "hr_zone", "zone": 1..5},
{"type": "pace", "min_s_per_km", "max_s_per_km"}, {"type": "power", "min_w",
"max_w"}), and repeats ({"kind": "repeat", "count": n, "steps": [...]}) that do not
nest.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext_noop

from trainlytics.stored_text import declare

from .errors import ProviderError
from .http import parse_json, raise_for_provider_status

logger = logging.getLogger(__name__)

# Translators: a provider (Garmin, Wahoo) refused a planned workout; the reason is the
# provider's own words.
REFUSED = declare(gettext_noop("%(provider)s refused the workout: %(reason)s"))


@dataclass(frozen=True)
class PlannedWorkout:
    title: str
    sport_type: str
    scheduled_for: date
    scheduled_time: time | None = None
    planned_duration_s: int | None = None
    planned_distance_m: float | None = None
    description: str = ""
    target: dict = field(default_factory=dict)
    structure: dict = field(default_factory=dict)
    # The athlete's IANA zone: scheduled_for/scheduled_time are local to it.
    time_zone: str = "UTC"
    # Our stable name for it at the provider (Wahoo's external_id, workout_token).
    reference: str = ""
    # When the athlete last changed it (Wahoo's plan[provider_updated_at]).
    updated_at: datetime | None = None

    def starts(self):
        """The planned start as an aware UTC datetime: the planned time, or the
        start of the planned day, in the athlete's zone."""
        try:
            zone = ZoneInfo(self.time_zone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = UTC
        local = datetime.combine(self.scheduled_for, self.scheduled_time or time())
        return local.replace(tzinfo=zone).astimezone(UTC)

    def total_seconds(self):
        """The planned duration, or what the timed steps add up to (0 if none)."""
        if self.planned_duration_s:
            return self.planned_duration_s
        return sum(step.get("duration_s", 0) for step in flat_steps(self.structure))


def flat_steps(structure):
    """Every step in the order it is done, repeats unrolled."""
    for step in (structure or {}).get("steps", ()):
        if step.get("kind") == "repeat":
            for _ in range(step.get("count", 1)):
                yield from step.get("steps", ())
        else:
            yield step


REFERENCE_PREFIX = "trainlytics-"


def reference_for(workout_id):
    """Our name for a workout at the provider; a listing tells our copies by it."""
    return f"{REFERENCE_PREFIX}{workout_id}"


class WorkoutRefused(ProviderError):
    """The provider cannot take this workout as planned (a sport it has no workouts
    for, a permission the athlete has not given, a payload it rejected). Retrying
    the same workout will not help; `user_message` says what would."""

    kind = "workout_refused"


def plain_words(exc):
    return exc.provider_message or f"HTTP {exc.status}"


@contextmanager
def refusals(provider, messages, words=plain_words):
    """A plain 4xx refusal becomes WorkoutRefused in words for the athlete: the
    sentence `messages` has for its status, else the provider's own words. Reauth,
    rate limits and transient errors keep their kind (http.py mapped them)."""
    try:
        yield
    except ProviderError as exc:
        if type(exc) is not ProviderError:
            raise
        message = messages.get(exc.status)
        if message is None:
            message = REFUSED % {"provider": provider, "reason": words(exc)}
        raise WorkoutRefused(
            str(exc),
            status=exc.status,
            provider_message=exc.provider_message,
            request_id=exc.request_id,
            user_message=message,
        ) from None


class WorkoutCalls:
    """The calls a backend that accepts workouts makes, under `workout_path` of its
    API, with bodies sent as `workout_body` ("json" or form "data")."""

    workout_path = ""
    workout_body = "json"

    def _api(self, http, method, path, credentials, body=None):
        """One call: its JSON body ({} when empty), or None for a 404 (already gone
        at the provider)."""
        response = http.request(
            method,
            f"{self.api_url}/{self.workout_path}/{path}",
            headers=self.api_headers(credentials),
            check=False,
            **{self.workout_body: body},
        )
        if response.status_code == 404:
            return None
        raise_for_provider_status(response, self.slug, self.reauth_statuses)
        return parse_json(response, self.slug) if response.content else {}

    def _delete_quietly(self, http, credentials, path):
        # Clean-up after a half-done send: its failure must not hide the first one.
        try:
            self._api(http, "DELETE", path, credentials)
        except ProviderError as exc:
            logger.warning("%s: could not remove %s: %s", self.slug, path, exc)
