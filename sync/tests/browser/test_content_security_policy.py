"""Pages the athlete journeys never open still work under the Content-Security-Policy.

The `page` fixture fails a test on any CSP violation the browser reports, so each test
here only has to open the page and see that its script ran.
"""

import pytest
from playwright.sync_api import expect

from trainlytics.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("providers.sandbox.tests.urls"),
    pytest.mark.django_db(transaction=True),
]


def test_the_api_docs_render_swagger_from_our_own_files(page):
    page.goto("/api/docs")
    # Swagger UI's script built the page from /api/openapi.json.
    expect(page.get_by_text("Trainlytics API").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()


def test_staff_can_use_the_admin(page):
    User.objects.create_superuser(email="staff@example.com", password="pw-staff-1")
    page.goto("/admin/")
    page.get_by_label("Email").fill("staff@example.com")
    page.get_by_label("Password").fill("pw-staff-1")
    page.get_by_role("button", name="Log in").click()
    page.goto("/admin/sync/activity/")
    expect(page.locator("#changelist")).to_be_visible()


def test_the_sandbox_control_page_has_its_stylesheet(page, settings):
    settings.PROVIDER_SANDBOX = True
    page.goto("/sandbox/")
    expect(page.get_by_role("heading", name="Provider sandbox")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"
