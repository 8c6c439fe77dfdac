"""Playwright (Python) driving Debian's Chromium against pytest-django's live server.

Without /usr/bin/chromium these tests are skipped with the reason, unless
REQUIRE_BROWSER=1 (CI), where a missing browser is a failure. Playwright never
downloads a browser here. A failing test leaves test-artifacts/<test name>.png.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from providers import registry
from providers.backends.base import ActivityData, OAuth2Backend
from providers.sports import SportType

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def pytest_collection_modifyitems(config, items):
    # With REQUIRE_BROWSER=1 nothing is skipped: the browser fixture fails instead.
    if CHROMIUM.exists() or os.environ.get("REQUIRE_BROWSER") == "1":
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt install chromium)")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(
            f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt install chromium"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def context_options():
    """Extra `browser.new_context` options; a module overrides it, e.g. for a locale."""
    return {}


def is_csp_violation(message):
    # Chromium reports a blocked script, style, image or form as a console error.
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def page(browser, live_server, request, context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(10_000)
    violations = []
    context.on(
        "console",
        lambda message: is_csp_violation(message) and violations.append(message.text),
    )
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True
        )
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(
        violations
    )


class TwoActivityBackend(OAuth2Backend):
    """Strava as far as the dashboard knows; serves two runs without any HTTP."""

    slug = "strava"
    name = "Strava"

    def __init__(self, conf=None):
        super().__init__(conf={"CLIENT_ID": "browser", "CLIENT_SECRET": "browser"})

    def iter_activities(self, http, credentials, since):
        start = datetime.now(UTC) - timedelta(days=1)
        yield [
            {"id": "b-1", "start": start.isoformat(), "name": "Easy run"},
            {"id": "b-2", "start": (start - timedelta(hours=5)).isoformat()},
        ]

    def normalize(self, raw):
        return ActivityData(
            provider_activity_id=raw["id"],
            sport_type=SportType.RUN,
            start_time=datetime.fromisoformat(raw["start"]),
            name=raw.get("name", "Recovery run"),
            moving_time_s=1800,
            distance_m=5000.0,
            activity_data=raw,
        )


@pytest.fixture
def fake_strava(monkeypatch):
    real = registry.backend_class

    def backend_class(slug):
        return TwoActivityBackend if slug == "strava" else real(slug)

    monkeypatch.setattr(registry, "backend_class", backend_class)
    return TwoActivityBackend
