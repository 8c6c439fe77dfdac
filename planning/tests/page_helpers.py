"""Helpers for the planning page tests: reading what a calendar page shows."""

import html as html_lib
import re

from django.contrib.messages import get_messages

LINE = re.compile(r'<li class="line mark-(?P<mark>\w+)">(?P<body>.*?)</li>', re.DOTALL)


def lines(html):
    """[(mark, text)] of every line of the calendar, tags stripped."""
    return [(found["mark"], text(found["body"])) for found in LINE.finditer(html)]


def mark_of(html, title):
    """The mark of the one line whose text holds `title`."""
    found = [mark for mark, text in lines(html) if title in text]
    assert len(found) == 1, lines(html)
    return found[0]


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def text(html):
    """What a reader sees: tags dropped, entities read, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())
