import pytest

from planning.structure import StructureError, flatten, totals, validate

INTERVALS = {
    "steps": [
        {"kind": "warmup", "duration_s": 600, "target": {"type": "hr_zone", "zone": 1}},
        {
            "kind": "repeat",
            "count": 5,
            "steps": [
                {"kind": "interval", "duration_s": 180},
                {"kind": "recovery", "duration_s": 120},
            ],
        },
        {"kind": "cooldown", "distance_m": 1000},
    ]
}


def test_a_clean_structure_comes_back_as_it_went_in():
    assert validate(INTERVALS) == INTERVALS


def test_no_steps_is_no_structure():
    assert validate({}) == {}
    assert validate(None) == {}
    assert validate({"steps": []}) == {}


def test_unknown_keys_are_dropped():
    clean = validate({"steps": [{"kind": "rest", "duration_s": 60, "colour": "red"}]})
    assert clean == {"steps": [{"kind": "rest", "duration_s": 60}]}


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"kind": "interval", "duration_s": -60}, "Step 1: duration must be more"),
        ({"kind": "interval"}, "Step 1 needs a duration or a distance"),
        (
            {"kind": "interval", "duration_s": 60, "distance_m": 400},
            "Step 1 needs a duration or a distance",
        ),
        ({"kind": "sprint", "duration_s": 60}, "Step 1: the kind must be one of"),
        ({"kind": "repeat", "count": 51, "steps": []}, "between 1 and 50"),
        ({"kind": "repeat", "count": 0, "steps": []}, "between 1 and 50"),
        ({"kind": "repeat", "count": 3, "steps": []}, "at least one step"),
        (
            {"kind": "repeat", "count": 3, "steps": [{"kind": "repeat", "count": 2}]},
            "cannot hold another repeat",
        ),
        (
            {"kind": "interval", "duration_s": 60, "target": {"type": "hr_zone"}},
            "zone must be 1 to 5",
        ),
        (
            {
                "kind": "interval",
                "duration_s": 60,
                "target": {"type": "power", "min_w": 300, "max_w": 200},
            },
            "runs from low to high",
        ),
        ({"kind": "interval", "duration_s": True}, "must be a number"),
    ],
)
def test_a_wrong_step_is_refused_with_a_message_naming_it(step, message):
    with pytest.raises(StructureError, match=message):
        validate({"steps": [step]})


def test_a_step_inside_a_repeat_is_named_by_its_place():
    with pytest.raises(StructureError, match=r"Step 2\.1 needs a duration"):
        validate(
            {
                "steps": [
                    {"kind": "warmup", "duration_s": 60},
                    {"kind": "repeat", "count": 2, "steps": [{"kind": "interval"}]},
                ]
            }
        )


def test_a_structure_that_is_not_a_list_of_steps_is_refused():
    with pytest.raises(StructureError, match=r"\{\"steps\""):
        validate({"steps": "warm up"})


def test_repeats_are_unrolled_in_order():
    kinds = [step["kind"] for step in flatten(INTERVALS)]
    assert kinds == ["warmup"] + ["interval", "recovery"] * 5 + ["cooldown"]


def test_totals_add_times_and_distances_apart():
    assert totals(INTERVALS) == (600 + 5 * 300, 1000.0)
    assert totals({}) == (None, None)
