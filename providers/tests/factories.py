"""Plain builders shared by every app's tests (no factory library needed)."""

from datetime import timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from providers.models import ProviderConnection

_seq = count(1)


def make_user(email=None, password="correct horse battery", **extra):
    email = email or f"athlete{next(_seq)}@example.com"
    return get_user_model().objects.create_user(email=email, password=password, **extra)


def make_connection(user=None, provider="strava", **fields):
    n = next(_seq)
    values = {
        "provider_user_id": str(1000 + n),
        "access_token": f"access-{provider}-{n}",
        "refresh_token": f"refresh-{provider}-{n}",
        "token_expires_at": timezone.now() + timedelta(hours=6),
        "scopes": [],
        "provider_profile": {},
    }
    values.update(fields)
    return ProviderConnection.objects.create(
        user=user or make_user(), provider=provider, **values
    )
