"""The two detectors of English left in a page rendered in French: a msgid the French
catalog lacks (looked up while rendering), and English words in what the page shows."""

import re
import sys
from html.parser import HTMLParser

from django.utils.translation import trans_real

from trainlytics import stored_text

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr"}


# -- detector 1: msgids the French catalog does not have -------------------------------


def _probing_stored_text():
    """True when the lookup is stored_text's: it asks gettext whether stored text is a
    msgid, and shows text that is not as stored (detector 2 reads what it shows)."""
    probe = stored_text._translate.__wrapped__.__code__
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code is probe:
            return True
        frame = frame.f_back
    return False


def record_catalog_misses(monkeypatch):
    """Patch Django's translation class so that every msgid looked up in French and
    missing from its catalog is appended to the list returned."""
    misses = []
    cls = trans_real.DjangoTranslation
    gettext, ngettext = cls.gettext, cls.ngettext

    def checked_gettext(self, message):
        if (
            message
            and self.language() == "fr"
            and message not in self._catalog
            and not _probing_stored_text()
        ):
            misses.append(message.replace("\x04", " | "))
        return gettext(self, message)

    def checked_ngettext(self, msgid1, msgid2, n):
        if msgid1 and self.language() == "fr" and (msgid1, 0) not in self._catalog:
            misses.append(msgid1.replace("\x04", " | "))
        return ngettext(self, msgid1, msgid2, n)

    monkeypatch.setattr(cls, "gettext", checked_gettext)
    monkeypatch.setattr(cls, "ngettext", checked_ngettext)
    return misses


# -- detector 2: English words in what the page shows ----------------------------------

# Words French never uses (so "a", "on", "en", "or", "an", "son", "plus" are out).
ENGLISH = frozenset(
    re.findall(
        r"\w+",
        """the your you with and this that these those from have has are was were will
    been not here there which what when where yet of to for by it is be no its our
    into than then they them their would should could can cannot about after before
    only also any every each other more most some such being while until please
    click see edit delete save send add new next previous back today week month year
    none address password enter field fields required must account settings sign
    log""",
    )
)
# Brand wording the providers require in English (their guidelines), and words of
# the seeded data.
BRANDS = ("Connect with Strava", "Powered by Strava")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
URL = re.compile(r"https?://\S+")


class _Visible(HTMLParser):
    """The page's visible text nodes and the attributes an athlete reads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skipping += 1
        values = dict(attrs)
        for name in ATTRIBUTES:
            if values.get(name):
                self.nodes.append(values[name])
        shown_value = values.get("type") not in ("hidden", "checkbox", "radio")
        if tag in ("button", "input") and values.get("value") and shown_value:
            self.nodes.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_texts(html):
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.nodes


def english_nodes(html, allowed=()):
    """The text nodes of `html` holding two or more distinct English-only words,
    brand wording and the `allowed` strings (seeded data) taken out first."""
    found = []
    for node in visible_texts(html):
        text = URL.sub(" ", node)  # a link's path and token are no sentence
        for phrase in (*BRANDS, *allowed):
            text = text.replace(phrase, " ")
        words = {w.lower() for w in WORD.findall(text)} & ENGLISH
        if len(words) >= 2:
            found.append(node)
    return found


def assert_french(html, misses, allowed=()):
    assert sorted(set(misses)) == []
    assert english_nodes(html, allowed) == []
