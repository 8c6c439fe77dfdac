"""The structure as an athlete types it, one step per line (forms without JS).

    warmup 10min Z1
    5x 3min Z4 + 2min recovery Z1
    cooldown 2km 5:30-6:00/km

A step is [kind] amount [target]: the kind is warmup, interval (the default),
recovery, rest or cooldown; the amount a time (90s, 3min, 1h, 1h30min) or a distance
(400m, 5km, 2mi); the target a heart-rate zone (Z1 to Z5), a pace range per km or
per mile (4:30-4:45/km, 7:15-7:40/mi) or a power range (200-250W). "N x" starts a
repeat of the steps after it, joined by "+" or ",", brackets optional. parse() gives
the dict that structure.validate() takes; format() turns a clean structure back
into this text, paces in the athlete's units.
"""

import re

from django.utils.translation import gettext

from sync.display import (
    IMPERIAL,
    METRES_PER_MILE,
    METRIC,
    distance_unit,
    format_pace_clock,
    pace_to_s_per_km,
)

from .structure import STEP_KINDS, StructureError, validate

TIME = re.compile(
    r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)min)?(?:(\d+(?:\.\d+)?)s)?$"
)
DISTANCE = re.compile(r"^(\d+(?:\.\d+)?)(m|km|mi)$")
ZONE = re.compile(r"^z([1-5])$")
PACE = re.compile(r"^(\d{1,2}):([0-5]\d)-(\d{1,2}):([0-5]\d)/(km|mi)$")
POWER = re.compile(r"^(\d+)-(\d+)w$")
REPEAT = re.compile(r"^(\d+)\s*[x\u00d7]\s*\(?(.*?)\)?$")
METRES = {"m": 1, "km": 1000, "mi": 1609.344}


def parse(text):
    """The validated structure for `text` ({} for blank text)."""
    steps = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            steps.append(_line(line))
        except StructureError as exc:
            # Translators: the line as typed, then what is wrong with it.
            message = gettext("Line %(number)s (%(line)s): %(problem)s")
            values = {"number": number, "line": line, "problem": exc}
            raise StructureError(message % values) from None
    return validate({"steps": steps}) if steps else {}


def _line(line):
    repeat = REPEAT.match(line.lower())
    if repeat:
        parts = [p for p in re.split(r"[+,]", repeat.group(2)) if p.strip()]
        if not parts:
            raise StructureError(
                gettext("a repeat needs at least one step after the x.")
            )
        return {
            "kind": "repeat",
            "count": int(repeat.group(1)),
            "steps": [_step(part) for part in parts],
        }
    return _step(line)


def _step(text):
    words = text.lower().split()
    step = {"kind": "interval"}
    if words and words[0] in STEP_KINDS:
        step["kind"] = words.pop(0)
    for word in words:
        _word(step, word)
    if "duration_s" not in step and "distance_m" not in step:
        raise StructureError(
            gettext("say how long: a time (3min) or a distance (1km).")
        )
    return step


def _word(step, word):
    if word in STEP_KINDS:
        step["kind"] = word
    elif distance := DISTANCE.match(word):
        _amount(
            step, "distance_m", float(distance.group(1)) * METRES[distance.group(2)]
        )
    elif word and (time := TIME.match(word)) and any(time.groups()):
        hours, minutes, seconds = (float(g or 0) for g in time.groups())
        _amount(step, "duration_s", hours * 3600 + minutes * 60 + seconds)
    elif zone := ZONE.match(word):
        step["target"] = {"type": "hr_zone", "zone": int(zone.group(1))}
    elif pace := PACE.match(word):
        a, b, c, d = (int(g) for g in pace.groups()[:4])
        units = IMPERIAL if pace.group(5) == "mi" else METRIC
        step["target"] = {
            "type": "pace",
            "min_s_per_km": pace_to_s_per_km(a * 60 + b, units),
            "max_s_per_km": pace_to_s_per_km(c * 60 + d, units),
        }
    elif power := POWER.match(word):
        low, high = (int(g) for g in power.groups())
        step["target"] = {"type": "power", "min_w": low, "max_w": high}
    else:
        raise StructureError(
            gettext('"%(word)s" is not a step kind, an amount or a target.')
            % {"word": word}
        )


def _amount(step, name, value):
    if "duration_s" in step or "distance_m" in step:
        raise StructureError(gettext("a step has one amount: a time or a distance."))
    step[name] = value


def format(structure, units=METRIC):
    """The text parse() would read back as `structure` (a clean one), paces per km
    or, for `units` imperial, per mile."""
    lines = []
    for step in structure.get("steps", ()):
        if step["kind"] == "repeat":
            inner = " + ".join(_format_step(s, units) for s in step["steps"])
            lines.append(f"{step['count']}x {inner}")
        else:
            lines.append(_format_step(step, units))
    return "\n".join(lines)


def _format_step(step, units=METRIC):
    words = [] if step["kind"] == "interval" else [step["kind"]]
    words.append(
        format_seconds(step["duration_s"])
        if "duration_s" in step
        else format_metres(step["distance_m"], units)
    )
    if step.get("target"):
        words.append(format_target(step["target"], units))
    return " ".join(words)


def format_seconds(seconds):
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}min" if minutes else "")
    return text + (f"{secs}s" if secs or not text else "")


def format_metres(metres, units=METRIC):
    """As the athlete would type it: 400m, 5km, or 3mi for a whole hundredth of a
    mile when their units are imperial."""
    miles = metres / METRES_PER_MILE
    if units == IMPERIAL and abs(round(miles, 2) - miles) < 1e-9:
        return f"{round(miles, 2):g}mi"
    if metres >= 1000 and metres % 100 == 0:
        return f"{metres / 1000:g}km"
    return f"{metres:g}m"


def format_target(target, units=METRIC):
    if target["type"] == "hr_zone":
        return f"Z{target['zone']}"
    if target["type"] == "pace":
        low = format_pace_clock(target["min_s_per_km"], units)
        high = format_pace_clock(target["max_s_per_km"], units)
        return f"{low}-{high}/{distance_unit(units)}"
    return f"{target['min_w']}-{target['max_w']}W"
