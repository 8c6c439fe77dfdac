from django.test import RequestFactory
from django.views import defaults


def test_404_page_is_friendly(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Go to your dashboard" in response.content.decode()


def test_403_page_is_friendly(db):
    request = RequestFactory().get("/")
    response = defaults.permission_denied(request, PermissionError())
    assert response.status_code == 403
    assert "<h1>You can't do that</h1>" in response.content.decode()


def test_500_page_renders_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
