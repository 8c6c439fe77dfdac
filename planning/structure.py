"""A planned workout's structure: what it holds, how it is checked, and its sums.

The stored form (Workout.structure) is {"steps": [step, ...]} or {} for none:

    {"kind": "warmup", "duration_s": 600, "target": {"type": "hr_zone", "zone": 1}}
    {"kind": "repeat", "count": 5, "steps": [
        {"kind": "interval", "duration_s": 180, "target": {"type": "power", ...}},
        {"kind": "recovery", "duration_s": 120}]}
    {"kind": "cooldown", "distance_m": 1000}

A step lasts a time (duration_s) or a distance (distance_m), exactly one of them; a
repeat holds 1 to 50 rounds of steps and does not nest (no provider we send to would
take it as written). Targets:

    {"type": "hr_zone", "zone": 1..5}
    {"type": "pace", "min_s_per_km": 270, "max_s_per_km": 285}   (slower is more s/km)
    {"type": "power", "min_w": 200, "max_w": 250}

validate() returns a clean copy (unknown keys dropped, numbers typed) or raises
StructureError whose message names the step, in words an athlete can act on (in the
active language).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

STEP_KINDS = ("warmup", "interval", "recovery", "rest", "cooldown")
MAX_REPEATS = 50
MAX_STEPS = 100
MAX_STEP_S = 24 * 3600
MAX_STEP_M = 1_000_000
TARGET_TYPES = ("hr_zone", "pace", "power")
# The values a step holds, as its error messages name them.
VALUE_NAMES = {
    "duration": _("duration"),
    "distance": _("distance"),
    "pace from": _("pace from"),
    "pace to": _("pace to"),
    "power from": _("power from"),
    "power to": _("power to"),
}
RANGE_MISSING = {
    "pace": _("%(step)s: a pace target needs both ends of its range."),
    "power": _("%(step)s: a power target needs both ends of its range."),
}
RANGE_REVERSED = {
    "pace": _("%(step)s: the pace range runs from low to high."),
    "power": _("%(step)s: the power range runs from low to high."),
}


class StructureError(ValueError):
    pass


def validate(structure):
    """The clean form of `structure` ({} when it has no steps)."""
    if structure in (None, {}, []):
        return {}
    if not isinstance(structure, dict) or not isinstance(structure.get("steps"), list):
        raise StructureError(gettext('The structure must be {"steps": [...]}.'))
    steps = [_step(step, step_name(n)) for n, step in enumerate(structure["steps"], 1)]
    if not steps:
        return {}
    if count_steps(steps) > MAX_STEPS:
        message = gettext("A workout has at most %(count)s steps.")
        raise StructureError(message % {"count": MAX_STEPS})
    return {"steps": steps}


def step_name(number):
    """ "Step 2", or "Step 2.1" for the first step of repeat 2."""
    return gettext("Step %(number)s") % {"number": number}


def _error(message, where, **values):
    return StructureError(message % {"step": where, **values})


def _step(step, where):
    if not isinstance(step, dict):
        raise _error(gettext("%(step)s is not a step."), where)
    kind = step.get("kind")
    if kind == "repeat":
        return _repeat(step, where)
    if kind not in STEP_KINDS:
        raise _error(
            gettext("%(step)s: the kind must be one of %(kinds)s or repeat."),
            where,
            kinds=", ".join(STEP_KINDS),
        )
    clean = {"kind": kind}
    duration = _number(step.get("duration_s"), where, "duration", MAX_STEP_S)
    distance = _number(step.get("distance_m"), where, "distance", MAX_STEP_M)
    if (duration is None) == (distance is None):
        raise _error(
            gettext("%(step)s needs a duration or a distance (one of them)."), where
        )
    if duration is not None:
        clean["duration_s"] = round(duration)
    else:
        clean["distance_m"] = float(distance)
    if step.get("target"):
        clean["target"] = validate_target(step["target"], where)
    return clean


def _repeat(step, where):
    count = step.get("count")
    if isinstance(count, bool) or not isinstance(count, int):
        raise _error(gettext("%(step)s: repeats must be a whole number."), where)
    if not 1 <= count <= MAX_REPEATS:
        raise _error(
            gettext("%(step)s: repeats must be between 1 and %(max)s."),
            where,
            max=MAX_REPEATS,
        )
    inner = step.get("steps")
    if not isinstance(inner, list) or not inner:
        raise _error(gettext("%(step)s: a repeat needs at least one step."), where)
    steps = []
    for n, child in enumerate(inner, 1):
        if isinstance(child, dict) and child.get("kind") == "repeat":
            raise _error(
                gettext("%(step)s: a repeat cannot hold another repeat."), where
            )
        steps.append(_step(child, f"{where}.{n}"))
    return {"kind": "repeat", "count": count, "steps": steps}


def _number(value, where, name, limit):
    if value is None:
        return None
    what = {"value": VALUE_NAMES[name]}
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _error(gettext("%(step)s: %(value)s must be a number."), where, **what)
    if value != value or value <= 0:
        raise _error(
            gettext("%(step)s: %(value)s must be more than zero."), where, **what
        )
    if value > limit:
        raise _error(
            gettext("%(step)s: %(value)s is longer than a step can be."), where, **what
        )
    return value


def validate_target(target, where=None):
    """The clean form of one intensity target."""
    where = where or gettext("Target")
    if not isinstance(target, dict) or target.get("type") not in TARGET_TYPES:
        raise _error(
            gettext("%(step)s: the target type must be one of %(types)s."),
            where,
            types=", ".join(TARGET_TYPES),
        )
    kind = target["type"]
    if kind == "hr_zone":
        zone = target.get("zone")
        if isinstance(zone, bool) or zone not in (1, 2, 3, 4, 5):
            raise _error(
                gettext("%(step)s: the heart-rate zone must be 1 to 5."), where
            )
        return {"type": kind, "zone": zone}
    low, high = (
        ("min_s_per_km", "max_s_per_km") if kind == "pace" else ("min_w", "max_w")
    )
    limit = 3600 if kind == "pace" else 3000
    lo = _number(target.get(low), where, f"{kind} from", limit)
    hi = _number(target.get(high), where, f"{kind} to", limit)
    if lo is None or hi is None:
        raise StructureError(RANGE_MISSING[kind] % {"step": where})
    if lo > hi:
        raise StructureError(RANGE_REVERSED[kind] % {"step": where})
    return {"type": kind, low: round(lo), high: round(hi)}


def count_steps(steps):
    return sum(len(step["steps"]) if step["kind"] == "repeat" else 1 for step in steps)


def flatten(structure):
    """Every step in the order it is done, repeats unrolled."""
    for step in structure.get("steps", ()):
        if step["kind"] == "repeat":
            for _ in range(step["count"]):
                yield from step["steps"]
        else:
            yield step


def totals(structure):
    """(seconds, metres) the structure adds up to; None where no step gives any."""
    seconds = metres = None
    for step in flatten(structure):
        if "duration_s" in step:
            seconds = (seconds or 0) + step["duration_s"]
        if "distance_m" in step:
            metres = (metres or 0) + step["distance_m"]
    return seconds, metres
