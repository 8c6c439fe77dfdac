"""The per-provider request budget every worker shares (ProviderBudget rows).

Rate limits are per application (providers.md §2.6 Strava, §6.6 Wahoo), so one
athlete's backfill can starve everyone else. After each page a run writes back what
the rate-limit headers said; before each page it checks the budget and, when the
window is spent, stops and is deferred to the window's reset instead of failing.
Providers that send no readable headers have no limit here (429s still defer runs).
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_noop

from providers.errors import RateLimitedError

from .. import conf
from ..models import ProviderBudget

# A ProviderError's user_message is English (trainlytics.stored_text).
BUSY = gettext_noop(
    "Many athletes are syncing right now. Yours continues automatically in a few "
    "minutes."
)


class BudgetSpentError(RateLimitedError):
    """Our own share of the provider's window is used up; not a provider error."""

    kind = "budget_spent"


def _ints(value):
    try:
        return [int(float(part)) for part in (value or "").split(",") if part.strip()]
    except ValueError:
        return []


def _next_quarter_hour(now):
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return start + timedelta(minutes=15)


def _next_midnight(now):
    return (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def windows_from_headers(headers, now):
    """(used, limit, reset_at) for every window the headers describe."""
    windows = []
    # Strava: "15-minute,daily" usage and limit, overall and read-only (§2.6).
    for prefix in ("X-RateLimit", "X-ReadRateLimit"):
        usage = _ints(headers.get(f"{prefix}-Usage"))
        limit = _ints(headers.get(f"{prefix}-Limit"))
        if usage and len(usage) == len(limit):
            resets = [_next_quarter_hour(now), _next_midnight(now)]
            windows += zip(usage, limit, resets, strict=False)
    # Wahoo: "day, hour, 5-minute" limit and remaining, seconds until reset (§6.6).
    limit = _ints(headers.get("X-RateLimit-Limit"))
    remaining = _ints(headers.get("X-RateLimit-Remaining"))
    reset = _ints(headers.get("X-RateLimit-Reset"))
    if remaining and len(remaining) == len(limit) and reset:
        # Whole seconds: "0" is the window's last second, not its reset, so the
        # budget waits one second more than it says rather than up to one too few.
        reset_at = now + timedelta(seconds=min(reset) + 1)
        pairs = zip(limit, remaining, strict=True)
        windows += [(lim - rem, lim, reset_at) for lim, rem in pairs]
    return windows


def _tightest(windows):
    # Fewest requests left; of equals, the one that resets last.
    return min(windows, key=lambda w: (w[1] - w[0], -w[2].timestamp()))


def record_usage(provider, headers, calls, now=None):
    """Update the provider's budget from the last response's headers.

    Without readable headers, the `calls` we made count against a known window.
    """
    now = now or datetime.now(UTC)
    windows = windows_from_headers(headers or {}, now)
    if not windows:
        if calls:
            ProviderBudget.objects.filter(
                provider=provider, limit__isnull=False, reset_at__gt=now
            ).update(used=F("used") + calls)
        return
    used, limit, reset_at = _tightest(windows)
    with transaction.atomic():
        budget, _ = ProviderBudget.objects.select_for_update().get_or_create(
            provider=provider
        )
        same_window = budget.limit == limit and budget.reset_at == reset_at
        # Workers report out of order: within one window usage only grows.
        budget.used = max(budget.used, used) if same_window else used
        budget.limit, budget.reset_at = limit, reset_at
        budget.save()


def spent_until(provider, now=None):
    """When the provider's window resets, if our share of it is used up; else None."""
    now = now or datetime.now(UTC)
    budget = ProviderBudget.objects.filter(provider=provider).first()
    if budget is None or budget.limit is None or budget.reset_at is None:
        return None
    if budget.reset_at <= now:
        return None
    allowed = budget.limit * (1 - conf.budget_reserve())
    return budget.reset_at if budget.used >= allowed else None


def check_budget(provider, now=None):
    """Raise BudgetSpentError while the provider's budget is spent."""
    until = spent_until(provider, now)
    if until is not None:
        raise BudgetSpentError(
            f"{provider}: request budget spent until {until.isoformat()}",
            retry_at=until,
            user_message=BUSY,
        )
