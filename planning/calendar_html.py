"""The calendar's lines as HTML, escaped here with html.escape (as sync/feed.py does
for the feed): a template line of eight variables, times the hundreds a month can
hold, cost more than the rest of the page. Every value is a plain str."""

from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def line_html(line, plan_word, done_word):
    # line.mark is one of calendar.MARKS' keys, never the athlete's text.
    parts = [
        f'<li class="line mark-{line.mark}">',
        f'<span class="mark mark-{line.mark}">{escape(line.mark_label)}</span>',
    ]
    if line.time:
        parts.append(f' <span class="muted">{escape(line.time)}</span>')
    parts.append(f' <a href="{escape(line.url)}">{escape(line.title)}</a>')
    if line.sport:
        parts.append(f' <span class="muted">{escape(line.sport)}</span>')
    if line.planned:
        parts.append(f"<div>{plan_word} {escape(line.planned)}</div>")
    if line.actual:
        actual = escape(line.actual)
        if line.actual_url:
            actual = f'<a href="{escape(line.actual_url)}">{actual}</a>'
        parts.append(f"<div>{done_word} {actual}</div>")
    if line.note:
        parts.append(f'<div class="muted">{escape(line.note)}</div>')
    parts.append("</li>")
    return "".join(parts)


def lines_html(lines):
    # Translators: before a workout's planned and done amounts ("Plan: 45:00").
    plan_word = escape(gettext("Plan:"))
    # Translators: before what the session did ("Done: 46:12 · 10.02 km").
    done_word = escape(gettext("Done:"))
    html = "\n".join(line_html(line, plan_word, done_word) for line in lines)
    return mark_safe(html)  # noqa: S308 - escaped above
