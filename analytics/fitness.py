"""Fitness (CTL), fatigue (ATL) and form (TSB) from the athlete's daily loads.

Each is an exponentially weighted average of the daily load L (the sum of the day's
session loads, 0 on a rest day), in the impulse-response form of Banister's model as
TrainingPeaks' Performance Manager and Golden Cheetah use it:

    CTL_t = CTL_{t-1} + (L_t - CTL_{t-1}) * (1 - e^(-1/42))
    ATL_t = ATL_{t-1} + (L_t - ATL_{t-1}) * (1 - e^(-1/7))
    TSB_t = CTL_{t-1} - ATL_{t-1}

Both start at 0 the day before the athlete's first load. TSB is yesterday's CTL
minus yesterday's ATL: the form the athlete brings into day t, before that day's
training (TrainingPeaks' convention), so a hard session lowers tomorrow's form, not
today's. A window's first values carry the whole history before it (state_before
sums it in the database), so any window of the series (a year, two) is exact.
"""

import math
from datetime import date, timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, F, FloatField, Func, IntegerField, Max, Sum, Value
from django.db.models.functions import Power

from .models import TrainingLoad

CTL_DAYS = 42
ATL_DAYS = 7
CTL_FACTOR = 1 - math.exp(-1 / CTL_DAYS)
ATL_FACTOR = 1 - math.exp(-1 / ATL_DAYS)
CACHE_TTL_S = 10 * 60


class FitnessDay(NamedTuple):
    date: date
    load: float
    ctl: float
    atl: float
    tsb: float


class DaysUntil(Func):
    """Whole days from a date column to a later `day` (an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"  # PostgreSQL: date - date is an integer
    output_field = IntegerField()

    def __init__(self, column, day):
        super().__init__(Value(day), column)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def state_before(user_id, first):
    """(CTL, ATL) at the end of the day before `first`, in one aggregate.

    Unrolled, the recurrence is a weighted sum over every earlier day d:
    CTL = sum of L_d * k * (1 - k)^(first - 1 - d); the database adds it up, so
    years of history cost one row, not one row a day."""
    eve = first - timedelta(days=1)
    age = DaysUntil(F("day"), eve)
    weights = {
        name: Sum(
            F("load") * Power(Value(1 - k), age) * Value(k),
            output_field=FloatField(),
        )
        for name, k in (("ctl", CTL_FACTOR), ("atl", ATL_FACTOR))
    }
    found = TrainingLoad.objects.filter(user_id=user_id, day__lt=first).aggregate(
        **weights
    )
    return found["ctl"] or 0.0, found["atl"] or 0.0


def daily_loads(user_id, first, last):
    """[(day, summed load)] of the athlete from `first` to `last`, oldest first."""
    return list(
        TrainingLoad.objects.filter(user_id=user_id, day__gte=first, day__lte=last)
        .values_list("day")
        .annotate(total=Sum("load"))
        .order_by("day")
    )


def series(daily, first, last, state=(0.0, 0.0)):
    """A FitnessDay for every day from `first` to `last` (both included).

    `daily` is [(day, load)] for those days; `state` the (CTL, ATL) of the day
    before `first` (0, 0 when the athlete had no load before it)."""
    loads = {day.toordinal(): load for day, load in daily}
    ctl, atl = state
    rows = []
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        load = loads.get(ordinal, 0.0)
        tsb = ctl - atl
        ctl += (load - ctl) * CTL_FACTOR
        atl += (load - atl) * ATL_FACTOR
        rows.append(FitnessDay(date.fromordinal(ordinal), load, ctl, atl, tsb))
    return rows


def loads_version(user_id):
    """A token that changes whenever the athlete's loads change: every recompute
    writes a newer computed_at, and a load deleted with its activity lowers the
    count. One small query."""
    found = TrainingLoad.objects.filter(user_id=user_id).aggregate(
        count=Count("id"), latest=Max("computed_at")
    )
    latest = found["latest"].timestamp() if found["latest"] else 0
    return f"{found['count']}:{latest}"


def compute(user_id, first, last):
    """The athlete's FitnessDay rows from `first` to `last` (two queries: the
    history's sum and the window's days)."""
    state = state_before(user_id, first)
    return series(daily_loads(user_id, first, last), first, last, state)


def cache_key(kind, user_id, first, last):
    """A key that changes with the athlete's loads (one query)."""
    return f"analytics:{kind}:{user_id}:{first}:{last}:{loads_version(user_id)}"


def fitness(user_id, first, last):
    """compute(), cached under the loads' version: reopened, one query."""
    key = cache_key("fitness", user_id, first, last)
    rows = cache.get(key)
    if rows is None:
        rows = compute(user_id, first, last)
        cache.set(key, rows, CACHE_TTL_S)
    return rows
