"""Which week or month the calendar shows: its query parameters read and written.

?week=2026-W49 (an ISO week, Monday first), ?view=month&month=2026-12; none means
the current week in the athlete's time zone. A value naming no period is a
PeriodError whose message says how to write it.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from .services import FIRST_DAY, LAST_DAY

WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class PeriodError(ValueError):
    """A week, month or view parameter that names nothing the calendar shows."""


def _in_range(day, text):
    if not FIRST_DAY <= day <= LAST_DAY:
        message = gettext("“%(text)s” is outside the years 2000 to 2100.")
        raise PeriodError(message % {"text": text})
    return day


def parse_week(text):
    """The Monday of ISO week `text` ("2026-W49")."""
    found = WEEK.match(text.strip())
    if not found:
        message = gettext("“%(text)s” is not a week; write it as 2026-W49.")
        raise PeriodError(message % {"text": text})
    year, week = (int(g) for g in found.groups())
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        message = gettext("%(year)s has no week %(week)s.")
        raise PeriodError(message % {"year": year, "week": week}) from None
    return _in_range(monday, text)


def parse_month(text):
    """The first day of month `text` ("2026-12")."""
    found = MONTH.match(text.strip())
    if not found:
        message = gettext("“%(text)s” is not a month; write it as 2026-12.")
        raise PeriodError(message % {"text": text})
    year, month = (int(g) for g in found.groups())
    if not 1 <= month <= 12:
        message = gettext("“%(text)s” is not a month: months run from 01 to 12.")
        raise PeriodError(message % {"text": text})
    return _in_range(date(year, month, 1), text)


def week_param(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_param(day):
    return f"{day.year}-{day.month:02d}"


def monday_of(day):
    return day - timedelta(days=day.weekday())


def next_month(first):
    return (first + timedelta(days=32)).replace(day=1)


def previous_month(first):
    return (first - timedelta(days=1)).replace(day=1)


def month_mondays(first):
    """The Mondays of the weeks that show some day of the month."""
    last = next_month(first) - timedelta(days=1)
    mondays = [monday_of(first)]
    while mondays[-1] + timedelta(days=7) <= last:
        mondays.append(mondays[-1] + timedelta(days=7))
    return mondays


def week_url(day):
    """The calendar's week holding `day`: where pages go back to after a change."""
    return _url(week=week_param(day))


def _url(**params):
    return f"{reverse('planning:calendar')}?{urlencode(params)}"


@dataclass
class Period:
    """What the calendar page shows and where its navigation leads."""

    view: str  # "week" or "month"
    title: str
    mondays: list
    month: int | None  # the month a month grid is about (other days are greyed)
    previous_url: str
    next_url: str
    current_url: str
    other_view_url: str


def period_for(params, today):
    """The period the query `params` ask for, by default today's week."""
    view = params.get("view") or "week"
    if view == "month":
        month = params.get("month")
        return month_period(parse_month(month) if month else today.replace(day=1))
    if view != "week":
        message = gettext("“%(view)s” is not a view; choose week or month.")
        raise PeriodError(message % {"view": view})
    week = params.get("week")
    return week_period(parse_week(week) if week else monday_of(today))


def week_period(monday):
    sunday = monday + timedelta(days=6)
    _, number, _ = monday.isocalendar()
    same_month = monday.month == sunday.month
    # Translators: Django date formats for the two ends of a week ("7 to 13 Dec
    # 2026", "28 Dec to 3 Jan 2027"): the day, the day and month, the full date.
    first = date_format(monday, "j" if same_month else pgettext("date format", "j M"))
    last = date_format(sunday, pgettext("date format", "j M Y"))
    # ISO weeks belong to the month their Thursday is in.
    thursday = monday + timedelta(days=3)
    return Period(
        view="week",
        title=gettext("Week %(number)s · %(first)s to %(last)s")
        % {"number": number, "first": first, "last": last},
        mondays=[monday],
        month=None,
        previous_url=week_url(monday - timedelta(days=7)),
        next_url=week_url(monday + timedelta(days=7)),
        current_url=reverse("planning:calendar"),
        other_view_url=_url(view="month", month=month_param(thursday)),
    )


def month_period(first):
    return Period(
        view="month",
        title=date_format(first, "YEAR_MONTH_FORMAT"),
        mondays=month_mondays(first),
        month=first.month,
        previous_url=_url(view="month", month=month_param(previous_month(first))),
        next_url=_url(view="month", month=month_param(next_month(first))),
        current_url=_url(view="month"),
        other_view_url=week_url(first),
    )
