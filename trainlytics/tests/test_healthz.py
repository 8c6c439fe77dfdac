"""GET /healthz: what a load balancer polls (no login, no session, no secrets)."""

import pytest
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration

from trainlytics.ops import health

URL = "/healthz"


@pytest.fixture(autouse=True)
def fresh_checks():
    health.forget_migrations_check()
    yield
    health.forget_migrations_check()


class UnreachableDatabase:
    """A connection whose server is gone; the error text carries a secret."""

    def cursor(self):
        raise OperationalError('connection to "db" failed: password=hunter2 refused')


def unapplied(monkeypatch, count):
    plan = [(Migration(f"9{n:03}_new", "sync"), False) for n in range(count)]
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, t: plan)


@pytest.mark.django_db
def test_a_healthy_app_answers_200_ok_with_each_check(client, settings):
    settings.DEBUG = False
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie


@pytest.mark.django_db
def test_polling_again_costs_one_query_while_migrations_are_known_applied(
    client, django_assert_num_queries
):
    client.get(URL)
    with django_assert_num_queries(1):
        assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_an_unreachable_database_answers_503_naming_it_and_nothing_more(
    client, monkeypatch
):
    monkeypatch.setattr(health, "connection", UnreachableDatabase())
    response = client.get(URL)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["failing"] == ["database"]
    assert body["checks"] == {"database": "unreachable", "migrations": "not checked"}
    assert b"hunter2" not in response.content and b"refused" not in response.content


@pytest.mark.django_db
def test_unapplied_migrations_answer_503_until_they_are_applied(client, monkeypatch):
    unapplied(monkeypatch, 2)
    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]
    assert response.json()["checks"]["migrations"] == "2 unapplied"

    unapplied(monkeypatch, 0)  # `migrate` ran: the next poll looks again
    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_a_migration_history_that_cannot_be_read_is_unhealthy_not_a_500(
    client, monkeypatch
):
    def broken(self, targets):
        raise ValueError("inconsistent history")

    monkeypatch.setattr(MigrationExecutor, "migration_plan", broken)
    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "error"


@pytest.mark.django_db
def test_plain_http_probes_are_answered_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # the project's SECURE_REDIRECT_EXEMPT stays

    assert client.get(URL).status_code == 200
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
def test_only_get_is_allowed(client):
    assert client.post(URL).status_code == 405
