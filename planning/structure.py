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
StructureError whose message names the step, in words an athlete can act on.
"""

STEP_KINDS = ("warmup", "interval", "recovery", "rest", "cooldown")
MAX_REPEATS = 50
MAX_STEPS = 100
MAX_STEP_S = 24 * 3600
MAX_STEP_M = 1_000_000
TARGET_TYPES = ("hr_zone", "pace", "power")


class StructureError(ValueError):
    pass


def validate(structure):
    """The clean form of `structure` ({} when it has no steps)."""
    if structure in (None, {}, []):
        return {}
    if not isinstance(structure, dict) or not isinstance(structure.get("steps"), list):
        raise StructureError('The structure must be {"steps": [...]}.')
    steps = [_step(step, f"Step {n}") for n, step in enumerate(structure["steps"], 1)]
    if not steps:
        return {}
    if count_steps(steps) > MAX_STEPS:
        raise StructureError(f"A workout has at most {MAX_STEPS} steps.")
    return {"steps": steps}


def _step(step, where):
    if not isinstance(step, dict):
        raise StructureError(f"{where} is not a step.")
    kind = step.get("kind")
    if kind == "repeat":
        return _repeat(step, where)
    if kind not in STEP_KINDS:
        raise StructureError(
            f"{where}: the kind must be one of {', '.join(STEP_KINDS)} or repeat."
        )
    clean = {"kind": kind}
    duration = _number(step.get("duration_s"), f"{where}: duration", MAX_STEP_S)
    distance = _number(step.get("distance_m"), f"{where}: distance", MAX_STEP_M)
    if (duration is None) == (distance is None):
        raise StructureError(f"{where} needs a duration or a distance (one of them).")
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
        raise StructureError(f"{where}: repeats must be a whole number.")
    if not 1 <= count <= MAX_REPEATS:
        raise StructureError(f"{where}: repeats must be between 1 and {MAX_REPEATS}.")
    inner = step.get("steps")
    if not isinstance(inner, list) or not inner:
        raise StructureError(f"{where}: a repeat needs at least one step.")
    steps = []
    for n, child in enumerate(inner, 1):
        if isinstance(child, dict) and child.get("kind") == "repeat":
            raise StructureError(f"{where}: a repeat cannot hold another repeat.")
        steps.append(_step(child, f"{where}.{n}"))
    return {"kind": "repeat", "count": count, "steps": steps}


def _number(value, what, limit):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StructureError(f"{what} must be a number.")
    if value != value or value <= 0:
        raise StructureError(f"{what} must be more than zero.")
    if value > limit:
        raise StructureError(f"{what} is longer than a step can be.")
    return value


def validate_target(target, where="Target"):
    """The clean form of one intensity target."""
    if not isinstance(target, dict) or target.get("type") not in TARGET_TYPES:
        raise StructureError(
            f"{where}: the target type must be one of {', '.join(TARGET_TYPES)}."
        )
    kind = target["type"]
    if kind == "hr_zone":
        zone = target.get("zone")
        if isinstance(zone, bool) or zone not in (1, 2, 3, 4, 5):
            raise StructureError(f"{where}: the heart-rate zone must be 1 to 5.")
        return {"type": kind, "zone": zone}
    low, high = (
        ("min_s_per_km", "max_s_per_km") if kind == "pace" else ("min_w", "max_w")
    )
    limit = 3600 if kind == "pace" else 3000
    lo = _number(target.get(low), f"{where}: {kind} from", limit)
    hi = _number(target.get(high), f"{where}: {kind} to", limit)
    if lo is None or hi is None:
        raise StructureError(f"{where}: a {kind} target needs both ends of its range.")
    if lo > hi:
        raise StructureError(f"{where}: the {kind} range runs from low to high.")
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
