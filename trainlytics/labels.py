"""Choice labels as plain strings in the active language, for pages that print many.

A label wrapped in gettext_lazy is translated each time it is printed; the feed and
the calendar print one per row. labels(SportType) builds the {value: label} dict once
per language and class instead.
"""

from functools import lru_cache

from django.utils.translation import get_language


def labels(choices):
    """{value: label} of a Choices class (or a list of pairs, as a tuple) in the
    active language."""
    return _labels(choices, get_language())


def label(choices, value, language=None):
    """The label of `value` in the active language (`language`: the active one,
    when the caller has it already); the value itself if unknown."""
    return _labels(choices, language or get_language()).get(value, value)


@lru_cache(maxsize=64)
def _labels(choices, language):
    pairs = choices.choices if hasattr(choices, "choices") else choices
    return {value: str(text) for value, text in pairs}
