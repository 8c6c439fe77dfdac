"""The calendar's lines as HTML, escaped here with html.escape (as sync/feed.py does
for the feed): a template line of eight variables, times the hundreds a month can
hold, cost more than the rest of the page. Every value is a plain str."""

from html import escape

from django.utils.safestring import mark_safe


def line_html(line):
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
        parts.append(f"<div>Plan: {escape(line.planned)}</div>")
    if line.actual:
        actual = escape(line.actual)
        if line.actual_url:
            actual = f'<a href="{escape(line.actual_url)}">{actual}</a>'
        parts.append(f"<div>Done: {actual}</div>")
    if line.note:
        parts.append(f'<div class="muted">{escape(line.note)}</div>')
    parts.append("</li>")
    return "".join(parts)


def lines_html(lines):
    return mark_safe("\n".join(map(line_html, lines)))  # noqa: S308 - escaped above
