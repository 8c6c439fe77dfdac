"""CTL, ATL and TSB against a worked example computed by hand.

k42 = 1 - e^(-1/42) = 0.0235283        k7 = 1 - e^(-1/7) = 0.1331221

day 1, load 100: CTL = 0 + (100 - 0) * k42                    = 2.35283
                 ATL = 0 + (100 - 0) * k7                     = 13.31221
                 TSB = CTL0 - ATL0 = 0 - 0                    = 0
day 2, load 0:   CTL = 2.35283 + (0 - 2.35283) * k42          = 2.29747
                 ATL = 13.31221 + (0 - 13.31221) * k7         = 11.54006
                 TSB = 2.35283 - 13.31221                     = -10.95938
day 3, load 50:  CTL = 2.29747 + (50 - 2.29747) * k42
                     = 2.29747 + 1.12236                      = 3.41983
                 ATL = 11.54006 + (50 - 11.54006) * k7
                     = 11.54006 + 5.11987                     = 16.65993
                 TSB = 2.29747 - 11.54006                     = -9.24259
"""

from datetime import date, timedelta

import pytest

from analytics import fitness

from .load_helpers import load_on

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)
EXAMPLE = [(D1, 100.0), (D3, 50.0)]  # day 2 is a rest day


def figures(rows):
    return [(r.date, r.load, r.ctl, r.atl, r.tsb) for r in rows]


def test_the_constants_are_the_exponential_decays_of_42_and_7_days():
    assert abs(fitness.CTL_FACTOR - 0.0235283) < 1e-7
    assert abs(fitness.ATL_FACTOR - 0.1331221) < 1e-7


def test_fitness_fatigue_and_form_match_the_worked_example():
    rows = fitness.series(EXAMPLE, D1, D3)
    expected = [
        (D1, 100.0, 2.35283, 13.31221, 0.0),
        (D2, 0.0, 2.29747, 11.54006, -10.95938),
        (D3, 50.0, 3.41983, 16.65993, -9.24259),
    ]
    assert len(rows) == len(expected)
    for row, (day, load, ctl, atl, tsb) in zip(rows, expected, strict=True):
        assert (row.date, row.load) == (day, load)
        assert row.ctl == pytest.approx(ctl, abs=1e-5)
        assert row.atl == pytest.approx(atl, abs=1e-5)
        assert row.tsb == pytest.approx(tsb, abs=1e-5)


def test_a_window_after_the_first_load_carries_the_history_before_it(user):
    load_on(user, D1, 100.0)
    load_on(user, D3, 50.0)
    rows = fitness.fitness(user.pk, D3, D3)
    assert len(rows) == 1
    assert rows[0].ctl == pytest.approx(3.41983, abs=1e-5)
    assert rows[0].atl == pytest.approx(16.65993, abs=1e-5)
    assert rows[0].tsb == pytest.approx(-9.24259, abs=1e-5)


def test_the_summed_history_equals_a_day_by_day_pass_over_years(user):
    first = date(2023, 1, 1)
    daily = [(first + timedelta(days=n), float(n % 7 * 20)) for n in range(0, 900, 2)]
    for day, load in daily:
        load_on(user, day, load)
    window = date(2025, 3, 1)
    whole = fitness.series(daily, first, date(2025, 6, 30))
    expected = [row for row in whole if row.date >= window]
    got = fitness.fitness(user.pk, window, date(2025, 6, 30))
    assert [r.date for r in got] == [r.date for r in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.ctl == pytest.approx(theirs.ctl, rel=1e-9)
        assert mine.atl == pytest.approx(theirs.atl, rel=1e-9)
        assert mine.tsb == pytest.approx(theirs.tsb, abs=1e-9)


def test_days_before_the_first_load_are_all_zero():
    rows = fitness.series(EXAMPLE, date(2026, 2, 27), D1)
    assert [(r.ctl, r.atl, r.tsb) for r in rows[:2]] == [(0, 0, 0), (0, 0, 0)]
    assert rows[2].ctl == pytest.approx(2.35283, abs=1e-5)


def test_no_loads_give_a_row_of_zeros_for_every_day():
    rows = fitness.series([], D1, D3)
    assert figures(rows) == [(d, 0.0, 0.0, 0.0, 0.0) for d in (D1, D2, D3)]


def test_fitness_sums_the_loads_of_one_day(user):
    load_on(user, D1, 60.0)
    load_on(user, D1, 40.0)
    load_on(user, D3, 50.0)
    rows = fitness.fitness(user.pk, D1, D3)
    assert [r.load for r in rows] == [100.0, 0.0, 50.0]
    assert rows[-1].ctl == pytest.approx(3.41983, abs=1e-5)
