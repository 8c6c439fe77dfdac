import pytest

from planning.structure import StructureError
from planning.structure_text import format, parse


def test_the_issue_example_reads_as_warmup_five_repeats_and_cooldown():
    structure = parse("warmup 10min Z2\n5x (3min Z4 + 2min Z1)\ncooldown 10min Z1")
    warmup, repeat, cooldown = structure["steps"]
    assert warmup == {
        "kind": "warmup",
        "duration_s": 600,
        "target": {"type": "hr_zone", "zone": 2},
    }
    assert repeat["count"] == 5
    assert [s["duration_s"] for s in repeat["steps"]] == [180, 120]
    assert cooldown["kind"] == "cooldown"


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("90s", {"kind": "interval", "duration_s": 90}),
        ("1h30min", {"kind": "interval", "duration_s": 5400}),
        ("400m", {"kind": "interval", "distance_m": 400.0}),
        ("2.5km", {"kind": "interval", "distance_m": 2500.0}),
        ("rest 1mi", {"kind": "rest", "distance_m": 1609.344}),
        (
            "5km 4:30-4:45/km",
            {
                "kind": "interval",
                "distance_m": 5000.0,
                "target": {"type": "pace", "min_s_per_km": 270, "max_s_per_km": 285},
            },
        ),
        (
            "20min 200-250W",
            {
                "kind": "interval",
                "duration_s": 1200,
                "target": {"type": "power", "min_w": 200, "max_w": 250},
            },
        ),
    ],
)
def test_amounts_and_targets_are_read_in_their_units(text, step):
    assert parse(text) == {"steps": [step]}


def test_blank_lines_and_comments_are_ignored():
    assert parse("\n# easy day\n\n") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("warmup", "Line 1 \\(warmup\\): say how long"),
        ("easy 3min\n", 'Line 1 \\(easy 3min\\): "easy" is not'),
        ("10min\n3min 1km", "Line 2 .*one amount"),
        ("60x 1min", "between 1 and 50"),
        ("5x", "Line 1 .*at least one step"),
        ("-3min", '"-3min" is not'),
    ],
)
def test_what_cannot_be_read_names_the_line(text, message):
    with pytest.raises(StructureError, match=message):
        parse(text)


def test_format_reads_back_as_the_same_structure():
    text = "warmup 10min Z1\n5x 3min Z4 + recovery 2min Z1\ncooldown 2km 5:30-6:00/km"
    structure = parse(text)
    assert format(structure) == text
    assert parse(format(structure)) == structure


def test_a_pace_per_mile_is_stored_per_km_and_written_back_per_mile():
    structure = parse("3mi 7:15-7:40/mi")
    target = structure["steps"][0]["target"]
    assert (target["min_s_per_km"], target["max_s_per_km"]) == (270, 286)
    assert format(structure, "imperial") == "3mi 7:15-7:40/mi"
    assert parse(format(structure, "imperial")) == structure
    assert format(structure) == "4828.03m 4:30-4:46/km"
