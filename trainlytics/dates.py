"""Dates in the active language for pages that print many (the feed, the calendar).

Django's date_format is the reference, but it reads the translated day and month
names again for every date (about 25 µs each; the feed prints 25 of them, a month
of the calendar 42). format_date reads them once per language and format, and reads
the characters our formats use itself; a format with any other character goes to
Django whole.
"""

from functools import lru_cache

from django.utils import dates
from django.utils.formats import date_format
from django.utils.translation import get_language

# Django's format characters (django.utils.dateformat); the ones we read are below.
DJANGO_CHARACTERS = set("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")
NUMBERS = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "n": lambda v: str(v.month),
    "m": lambda v: f"{v.month:02d}",
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "G": lambda v: str(v.hour),
    "H": lambda v: f"{v.hour:02d}",
    "i": lambda v: f"{v.minute:02d}",
}


def format_date(value, format_string, language=None):
    """`value` (a date or datetime, as it is: no time zone conversion) in Django's
    `format_string`, with day and month names in the active language (`language`:
    the active one, when the caller has it already)."""
    parts = _parts(language or get_language(), format_string)
    if parts is None:
        return date_format(value, format_string)
    return "".join(part if isinstance(part, str) else part(value) for part in parts)


@lru_cache(maxsize=256)
def _parts(language, format_string):
    """The format as literal strings and functions of the date; None when it uses a
    character this module does not read."""
    names = _names()
    parts, escaped = [], False
    for char in format_string:
        if escaped or (char not in DJANGO_CHARACTERS and char != "\\"):
            parts.append(char)
            escaped = False
        elif char == "\\":
            escaped = True  # the next character is printed as it is
        elif char in NUMBERS:
            parts.append(NUMBERS[char])
        elif char in names:
            parts.append(names[char])
        else:
            return None
    return parts


def _names():
    weekdays = [str(dates.WEEKDAYS[i]) for i in range(7)]
    weekdays_abbr = [str(dates.WEEKDAYS_ABBR[i]) for i in range(7)]
    months = {m: str(dates.MONTHS[m]) for m in range(1, 13)}
    months_3 = {m: str(dates.MONTHS_3[m]) for m in range(1, 13)}
    months_ap = {m: str(dates.MONTHS_AP[m]) for m in range(1, 13)}
    return {
        "l": lambda v: weekdays[v.weekday()],
        "D": lambda v: weekdays_abbr[v.weekday()],
        "F": lambda v: months[v.month],
        "b": lambda v: months_3[v.month],
        "M": lambda v: months_3[v.month].title(),
        "N": lambda v: months_ap[v.month],
    }
