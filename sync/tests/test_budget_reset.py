"""Wahoo tells the time to its window's reset in whole seconds, so "0" means "less
than a second left", not "reset". Found by bench/scale.py: in each short window's last
second the budget took the window for reset, four workers kept calling, and the
server counted up to 119 requests against a limit of 60 (139 answers 429)."""

from datetime import UTC, datetime, timedelta

from sync.services.budget import record_usage, spent_until

NOW = datetime(2026, 5, 4, 10, 7, 30, 600_000, tzinfo=UTC)


def wahoo_headers(remaining, reset):
    return {
        "X-RateLimit-Limit": "5000, 1000, 60",
        "X-RateLimit-Remaining": f"4000, 900, {remaining}",
        "X-RateLimit-Reset": str(reset),
    }


def test_a_spent_wahoo_window_in_its_last_second_is_still_spent(db):
    record_usage("wahoo", wahoo_headers(remaining=0, reset=0), 1, NOW)
    assert spent_until("wahoo", NOW) is not None


def test_a_spent_wahoo_window_holds_runs_until_a_whole_second_past_the_reset(db):
    record_usage("wahoo", wahoo_headers(remaining=0, reset=5), 1, NOW)
    # "5" is anything from 5.0 to 5.99 seconds at the server.
    assert spent_until("wahoo", NOW + timedelta(seconds=5, milliseconds=900))
    assert spent_until("wahoo", NOW + timedelta(seconds=6)) is None
