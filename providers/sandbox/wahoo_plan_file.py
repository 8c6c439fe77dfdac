"""The Wahoo plan file as the sandbox checks it (shapes and sources:
providers/backends/wahoo_workouts.py): a base64 JSON data URI whose header has a
name, version, description and a plan family (0 biking, 1 running), and whose
intervals have known exit triggers, intensities and targets; a target relative to
FTP, threshold HR, ... needs that value in the header.
"""

import base64
import binascii
import json

DATA_URI = "data:application/json;base64,"
TRIGGERS = {"time", "distance", "kj2", "repeat"}
# fmt: off
INTENSITIES = {
    "active", "wu", "tempo", "lt", "map", "ac", "nm", "ftp", "cd", "recover", "rest",
}
ABSOLUTE_TARGETS = {"rpm", "rpe", "watts", "hr", "speed"}
# Relative targets are only valid with the athlete's value in the header.
RELATIVE_TARGETS = {
    "ftp", "map", "ac", "nm", "threshold_hr", "max_hr", "threshold_speed",
}
# fmt: on


class Invalid(Exception):
    """What Wahoo would refuse; the message says which field."""


def checked_number(value, where, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{where} must be a number")
    if value < 0 or (value == 0 and not allow_zero):
        raise Invalid(f"{where} must be more than zero")
    return value


def read_plan_file(value):
    if not isinstance(value, str) or not value.startswith(DATA_URI):
        raise Invalid(f"plan[file] must be a {DATA_URI}... data URI")
    try:
        plan = json.loads(base64.b64decode(value[len(DATA_URI) :], validate=True))
    except (binascii.Error, ValueError):
        raise Invalid("plan[file] is not base64-encoded JSON") from None
    check_plan_file(plan)
    return plan


def check_plan_file(plan):
    header = plan.get("header") if isinstance(plan, dict) else None
    if not isinstance(header, dict):
        raise Invalid("the plan file needs a header")
    for key in ("name", "version", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise Invalid(f"header.{key} is required")
    if header.get("workout_type_family") not in (0, 1):
        raise Invalid("header.workout_type_family must be 0 (biking) or 1 (running)")
    if header.get("workout_type_location", 1) not in (0, 1):
        raise Invalid("header.workout_type_location must be 0 or 1")
    intervals = plan.get("intervals")
    if not isinstance(intervals, list) or not intervals:
        raise Invalid("the plan file needs intervals")
    for number, interval in enumerate(intervals, 1):
        _check_interval(interval, f"intervals[{number}]", header)


def _check_interval(interval, where, header):
    if not isinstance(interval, dict):
        raise Invalid(f"{where} is not an interval")
    trigger = interval.get("exit_trigger_type")
    if trigger not in TRIGGERS:
        raise Invalid(f"{where}: exit_trigger_type must be one of {sorted(TRIGGERS)}")
    value = interval.get("exit_trigger_value")
    checked_number(
        value, f"{where}: exit_trigger_value", allow_zero=trigger == "repeat"
    )
    if trigger == "repeat":
        inner = interval.get("intervals")
        if not isinstance(inner, list) or not inner:
            raise Invalid(f"{where}: a repeat needs intervals")
        for number, child in enumerate(inner, 1):
            _check_interval(child, f"{where}.intervals[{number}]", header)
        return
    if interval.get("intensity_type", "active") not in INTENSITIES:
        raise Invalid(f"{where}: unknown intensity_type")
    targets = interval.get("targets")
    if not isinstance(targets, list):
        raise Invalid(f"{where}: targets must be a list")
    for target in targets:
        _check_target(target, where, header)


def _check_target(target, where, header):
    kind = target.get("type") if isinstance(target, dict) else None
    if kind not in ABSOLUTE_TARGETS and kind not in RELATIVE_TARGETS:
        raise Invalid(f"{where}: unknown target type {kind!r}")
    if kind in RELATIVE_TARGETS and not header.get(kind):
        raise Invalid(f"{where}: a {kind} target needs header.{kind}")
    low = checked_number(target.get("low"), f"{where}: target low", allow_zero=True)
    high = checked_number(target.get("high"), f"{where}: target high", allow_zero=True)
    if low > high:
        raise Invalid(f"{where}: a target runs from low to high")
