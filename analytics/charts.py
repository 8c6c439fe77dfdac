"""The fitness/fatigue/form chart as server-rendered SVG, and its table alternative.

Both are built as strings here, as sync's dashboard chart is: a template loop over
a year of days (365 rows, five cells each) cost more than the page's queries.
"""

from html import escape

from django.utils.safestring import mark_safe

WIDTH = 720
HEIGHT = 220
PAD_LEFT = 36
PAD_BOTTOM = 20
# Okabe-Ito, colour-blind safe; each line also has its own dash pattern.
LINES = (
    ("ctl", "Fitness (CTL)", "#0072B2", ""),
    ("atl", "Fatigue (ATL)", "#D55E00", "6 3"),
    ("tsb", "Form (TSB)", "#009E73", "2 2"),
)


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

    parts = [
        f'<line x1="{PAD_LEFT}" x2="{WIDTH}" y1="{y_of(0):.1f}" y2="{y_of(0):.1f}" '
        'stroke="#999" stroke-width="1"/>',
        f'<text x="{PAD_LEFT - 4}" y="10" text-anchor="end" font-size="10">'
        f"{top:.0f}</text>",
        f'<text x="{PAD_LEFT - 4}" y="{y_of(0) + 3:.1f}" text-anchor="end" '
        'font-size="10">0</text>',
    ]
    if bottom < 0:
        parts.append(
            f'<text x="{PAD_LEFT - 4}" y="{plot_h:.1f}" text-anchor="end" '
            f'font-size="10">{bottom:.0f}</text>'
        )
    for name, label, colour, dash in LINES:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dashes} '
            f'points="{_points(rows, name, x_of, y_of)}"><title>{label}</title>'
            "</polyline>"
        )
    for i in _tick_indexes(rows):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{HEIGHT - 4}" text-anchor="middle" '
            f'font-size="10">{rows[i].date:%-d %b %Y}</text>'
        )
    last = rows[-1]
    return mark_safe(  # noqa: S308 - only numbers and fixed labels are interpolated
        f'<svg class="chart fitness-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'role="img" aria-labelledby="fitness-title fitness-desc">'
        f'<title id="fitness-title">Fitness, fatigue and form from '
        f"{rows[0].date:%-d %b %Y} to {last.date:%-d %b %Y}</title>"
        f'<desc id="fitness-desc">On the last day fitness is {last.ctl:.0f}, '
        f"fatigue {last.atl:.0f} and form {last.tsb:.0f}. The table below has "
        f"every day's figures.</desc>{''.join(parts)}</svg>"
    )


def _tick_indexes(rows, ticks=5):
    if len(rows) <= ticks:
        return range(len(rows))
    gap = (len(rows) - 1) / (ticks - 1)
    return sorted({round(i * gap) for i in range(ticks)})


def legend():
    return [(label, colour, dash) for _, label, colour, dash in LINES]


def fitness_table_rows(rows):
    """The <tr>s of the table alternative, newest day first."""
    return mark_safe(  # noqa: S308 - dates and numbers only
        "".join(
            f'<tr><th scope="row"><time datetime="{r.date.isoformat()}">'
            f"{escape(r.date.strftime('%a %-d %b %Y'))}</time></th>"
            f"<td>{r.load:.0f}</td><td>{r.ctl:.1f}</td><td>{r.atl:.1f}</td>"
            f"<td>{r.tsb:.1f}</td></tr>"
            for r in reversed(rows)
        )
    )
