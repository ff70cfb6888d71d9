"""The one rule for a typed body temperature (``wangge.core.inputs.parse_temperature``).

That every page, link, service and API schema goes through it is tested in
``screening/tests/test_temperature_entry_points.py``.
"""

from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from wangge.core.inputs import Temperature, TemperatureInvalid, parse_temperature


@pytest.mark.parametrize("typed, read", [
    ("36.5", "36.5"), ("36,5", "36.5"), ("36，5", "36.5"), (" 37 ", "37.0"), ("37", "37.0"),
    (36.5, "36.5"), (37, "37.0"), ("34.0", "34.0"), ("43.0", "43.0"), ("34", "34.0"),
])
def test_a_temperature_with_at_most_one_decimal_after_a_point_or_either_comma_is_read(typed, read):
    number = parse_temperature(typed)
    assert isinstance(number, Decimal) and str(number) == read


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_temperature_is_none_and_the_caller_decides_whether_it_is_required(blank):
    assert parse_temperature(blank) is None


@pytest.mark.parametrize("typed", [
    "36.55", "36,55", "36，55", 36.55, "36.", ".5", "-36.5", "+36.5", "3.65e1", "nan", "inf", float("inf"),
    "36.5℃", "三十六", "３６.５", "36 .5", "136.5", True, [36.5], {"t": 36.5},
])
def test_anything_else_is_refused_as_invalid_never_rounded(typed):
    with pytest.raises(TemperatureInvalid) as info:
        parse_temperature(typed)
    assert info.value.code == "temperature_invalid"


@pytest.mark.parametrize("typed", ["33.9", "43.1", "0", "99.9", 20])
def test_a_temperature_outside_34_to_43_is_refused_as_out_of_range(typed):
    with pytest.raises(TemperatureInvalid) as info:
        parse_temperature(typed)
    assert info.value.code == "temperature_out_of_range"
    assert "34.0" in info.value.message and "43.0" in info.value.message


def test_the_api_type_applies_the_same_rule_and_refuses_blank():
    adapter = TypeAdapter(Temperature)
    assert adapter.validate_python("36，5") == Decimal("36.5")
    for typed, code in (("36.55", "temperature_invalid"), ("", "temperature_invalid"),
                        ("43.1", "temperature_out_of_range")):
        with pytest.raises(ValidationError) as info:
            adapter.validate_python(typed)
        assert info.value.errors()[0]["type"] == code


@pytest.mark.parametrize("typed, read", [
    ("365", "36.5"), ("372", "37.2"), (" 385 ", "38.5"), ("340", "34.0"), ("429", "42.9"), (372, "37.2"),
])
def test_three_digits_without_a_separator_from_340_to_429_carry_one_decimal(typed, read):
    assert str(parse_temperature(typed)) == read


@pytest.mark.parametrize("typed", ["339", "430", "100", "999", "036", "3650", "36 5", "3.65"])
def test_other_digits_without_a_separator_are_still_refused_as_invalid(typed):
    with pytest.raises(TemperatureInvalid) as info:
        parse_temperature(typed)
    assert info.value.code == "temperature_invalid"
