"""The fitness/fatigue/form chart as server-rendered SVG, and its table alternative.

Both are built as strings here, as sync's dashboard chart is: a template loop over
a year of days (365 rows, five cells each) cost more than the page's queries.
Words, dates and numbers read by people follow the active language; coordinates and
attributes are plain numbers.
"""

from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from sync.display import format_number
from trainlytics.dates import format_date

WIDTH = 720
HEIGHT = 220
PAD_LEFT = 36
PAD_BOTTOM = 20
# Okabe-Ito, colour-blind safe; each line also has its own dash pattern.
LINES = (
    # Translators: the chart's three lines (Coggan's training-load model).
    ("ctl", _("Fitness (CTL)"), "#0072B2", ""),
    ("atl", _("Fatigue (ATL)"), "#D55E00", "6 3"),
    ("tsb", _("Form (TSB)"), "#009E73", "2 2"),
)


def _day_format():
    # Translators: a Django date format, the days under the chart ("7 Dec 2026").
    return pgettext("date format", "j M Y")


def _scale(rows):
    values = [getattr(r, name) for r in rows for name, *_ in LINES]
    top = max([*values, 10.0])
    bottom = min([*values, 0.0])
    return top, bottom


def _points(rows, name, x_of, y_of):
    return " ".join(
        f"{x_of(i):.1f},{y_of(getattr(row, name)):.1f}" for i, row in enumerate(rows)
    )


def fitness_svg(rows):
    """An SVG line chart of CTL, ATL and TSB for `rows` (FitnessDay, oldest first)."""
    if not rows:
        return ""
    top, bottom = _scale(rows)
    plot_w, plot_h = WIDTH - PAD_LEFT, HEIGHT - PAD_BOTTOM
    step = plot_w / max(len(rows) - 1, 1)

    def x_of(i):
        return PAD_LEFT + i * step

    def y_of(value):
        return (top - value) / (top - bottom) * plot_h

    day_format = _day_format()
    parts = [
        f'<line x1="{PAD_LEFT}" x2="{WIDTH}" y1="{y_of(0):.1f}" y2="{y_of(0):.1f}" '
        'stroke="#999" stroke-width="1"/>',
        f'<text x="{PAD_LEFT - 4}" y="10" text-anchor="end" font-size="10">'
        f"{format_number(top)}</text>",
        f'<text x="{PAD_LEFT - 4}" y="{y_of(0) + 3:.1f}" text-anchor="end" '
        'font-size="10">0</text>',
    ]
    if bottom < 0:
        parts.append(
            f'<text x="{PAD_LEFT - 4}" y="{plot_h:.1f}" text-anchor="end" '
            f'font-size="10">{format_number(bottom)}</text>'
        )
    for name, label, colour, dash in LINES:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dashes} '
            f'points="{_points(rows, name, x_of, y_of)}"><title>{escape(str(label))}'
            "</title>"
            "</polyline>"
        )
    for i in _tick_indexes(rows):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{HEIGHT - 4}" text-anchor="middle" '
            f'font-size="10">{escape(format_date(rows[i].date, day_format))}</text>'
        )
    last = rows[-1]
    title = gettext("Fitness, fatigue and form from %(first)s to %(last)s") % {
        "first": format_date(rows[0].date, day_format),
        "last": format_date(last.date, day_format),
    }
    desc = gettext(
        "On the last day fitness is %(ctl)s, fatigue %(atl)s and form %(tsb)s. The "
        "table below has every day's figures."
    ) % {
        "ctl": format_number(last.ctl),
        "atl": format_number(last.atl),
        "tsb": format_number(last.tsb),
    }
    return mark_safe(  # noqa: S308 - words escaped, numbers and dates formatted here
        f'<svg class="chart fitness-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'role="img" aria-labelledby="fitness-title fitness-desc">'
        f'<title id="fitness-title">{escape(title)}</title>'
        f'<desc id="fitness-desc">{escape(desc)}</desc>{"".join(parts)}</svg>'
    )


def _tick_indexes(rows, ticks=5):
    if len(rows) <= ticks:
        return range(len(rows))
    gap = (len(rows) - 1) / (ticks - 1)
    return sorted({round(i * gap) for i in range(ticks)})


def legend():
    return [(str(label), colour, dash) for _name, label, colour, dash in LINES]


def fitness_table_rows(rows):
    """The <tr>s of the table alternative, newest day first."""
    # Translators: a Django date format; French could be "D. j N Y".
    day_format = pgettext("date format", "D j M Y")
    n = format_number
    return mark_safe(  # noqa: S308 - dates and numbers only
        "".join(
            f'<tr><th scope="row"><time datetime="{r.date.isoformat()}">'
            f"{escape(format_date(r.date, day_format))}</time></th>"
            f"<td>{n(r.load)}</td><td>{n(r.ctl, 1)}</td><td>{n(r.atl, 1)}</td>"
            f"<td>{n(r.tsb, 1)}</td></tr>"
            for r in reversed(rows)
        )
    )
