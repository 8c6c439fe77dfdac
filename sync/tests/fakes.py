"""An in-memory backend for testing sync orchestration without HTTP."""

from datetime import UTC, datetime, timedelta

from providers.backends.base import ActivityData, OAuth2Backend, TokenSet
from providers.errors import MalformedPayloadError
from providers.sports import SportType

START = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def raw_activity(number, **extra):
    """A raw item the fake normalises; `broken=True` makes it malformed."""
    return {
        "id": f"fake-{number}",
        "start": (START + timedelta(days=number)).isoformat(),
        "seconds": 1800 + number,
        **extra,
    }


def raw_page(first, count):
    return [raw_activity(n) for n in range(first, first + count)]


def request(http):
    """What a real request through the session does before going out: the run's
    budget check (before_request), then the count."""
    if http.before_request is not None:
        http.before_request()
    http.calls += 1


class FakeBackend(OAuth2Backend):
    """Serves `pages` (lists of raw items, or an exception to raise at that point)."""

    slug = "strava"
    name = "Fake"

    def __init__(self, pages=()):
        super().__init__(
            conf={
                "CLIENT_ID": "fake-id",
                "CLIENT_SECRET": "fake-secret",
                "TOKEN_URL": "https://fake.example/token",
                "REFRESH_URL": "https://fake.example/token",
                "API_URL": "https://fake.example/api",
            }
        )
        self.pages = list(pages)
        self.since_seen = []
        self.tokens_seen = []
        self.refresh_result = None

    def iter_activities(self, http, credentials, since):
        self.since_seen.append(since)
        self.tokens_seen.append(credentials.access_token)
        for page in self.pages:
            request(http)
            if isinstance(page, BaseException):
                raise page
            yield page

    def refresh(self, credentials):
        if isinstance(self.refresh_result, BaseException):
            raise self.refresh_result
        return self.refresh_result or TokenSet(
            access_token="fresh-access", expires_at=START + timedelta(days=3650)
        )

    def normalize(self, raw):
        if raw.get("broken"):
            raise MalformedPayloadError(f"fake item {raw.get('id')}: broken")
        return ActivityData(
            provider_activity_id=raw["id"],
            sport_type=SportType.RUN,
            start_time=datetime.fromisoformat(raw["start"]),
            name=raw.get("name", "Morning run"),
            elapsed_time_s=raw["seconds"],
            distance_m=raw.get("distance"),
            activity_data=raw,
        )
