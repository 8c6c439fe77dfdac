"""The days a fitness chart or the fitness API covers: `from` and `to` as asked,
each defaulting from the other, checked once for the page and the API."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext

from trainlytics.timezones import zone

DEFAULT_DAYS = 90
# Two years, one of them leap: the longest window a page or a request may ask for.
MAX_DAYS = 731


class RangeInvalid(Exception):
    """`code` is the API's stable error code, the message is for the athlete."""

    def __init__(self, code, message):
        self.code = code
        super().__init__(message)


def today_of(user, now=None):
    return (now or timezone.now()).astimezone(zone(user.time_zone)).date()


def _shift(day, days):
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def resolve(first, last, today):
    """(first, last): the last DEFAULT_DAYS days to `today` unless asked otherwise."""
    if last is None:
        last = today if first is None else _shift(first, DEFAULT_DAYS - 1)
    if first is None:
        first = _shift(last, 1 - DEFAULT_DAYS)
    if last < first:
        raise RangeInvalid("invalid_range", gettext('"to" is before "from".'))
    if (last - first).days + 1 > MAX_DAYS:
        message = gettext("Ask for at most %(days)s days (two years).")
        raise RangeInvalid("range_too_long", message % {"days": MAX_DAYS})
    return first, last
