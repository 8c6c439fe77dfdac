"""Sentences for the athlete that the database keeps in English, translated when shown.

Some sentences are written when something happens and read later: a connection's
status_detail, the error_message of a workout delivery or of a streams row, and the
user_message a ProviderError carries to them. They are stored in English, the source
language, whatever the language of the request or task that wrote them: one row is
read by an athlete in French and by staff in English, and a better translation
reaches rows written before it.

Writers build them from msgids wrapped in gettext_noop (so makemessages finds them);
a msgid with values in it uses %(name)s placeholders and is passed to declare(), which
teaches shown() to recognise the sentences built from it. shown(text) gives the text
in the active language: gettext for a plain msgid; for a declared one, the values are
read back out of the stored text and put into the translated msgid (each value is
itself translated when it is a msgid, such as "The provider"). Text it does not
recognise (a provider's own words, rows from before a wording change) is shown as
stored.
"""

import re
from functools import lru_cache

from django.utils.translation import get_language, gettext

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# msgid -> the regex that reads a sentence built from it back into its values.
_declared = {}


def declare(msgid):
    """Register `msgid` (with %(name)s placeholders) for shown(); returns it."""
    if _PLACEHOLDER.search(msgid) and msgid not in _declared:
        _declared[msgid] = _pattern(msgid)
        _translate.cache_clear()
    return msgid


def _pattern(msgid):
    parts, seen, position = [], set(), 0
    for found in _PLACEHOLDER.finditer(msgid):
        name = found.group(1)
        parts.append(re.escape(msgid[position : found.start()]))
        # The same name twice (a provider named twice) must hold the same value.
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        position = found.end()
    parts.append(re.escape(msgid[position:]))
    return re.compile("".join(parts), re.DOTALL)


def shown(text):
    """The stored English `text` in the active language."""
    if not text:
        return text
    return _translate(get_language() or "", str(text))


# Keyed by language: the same row is shown in several. Pages show few such sentences,
# from a small set, so the cache stays warm.
@lru_cache(maxsize=2048)
def _translate(language, text):
    translated = gettext(text)
    if translated != text:
        return translated
    for msgid, pattern in _declared.items():
        found = pattern.fullmatch(text)
        if found is not None:
            values = {name: gettext(value) for name, value in found.groupdict().items()}
            return gettext(msgid) % values
    return text
