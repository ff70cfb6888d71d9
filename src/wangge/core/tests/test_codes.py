import pytest

from wangge.core import codes
from wangge.core.codes import Level, division_level, prefix_upper_bound, significant_prefix


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [
        ("420000000000", Level.PROVINCE, "42"),
        ("420100000000", Level.CITY, "4201"),
        ("420106000000", Level.DISTRICT, "420106"),
        ("420106001000", Level.STREET, "420106001"),
        ("420106001002", Level.COMMUNITY, "420106001002"),
    ],
)
def test_division_codes_are_cut_at_their_level(code, level, prefix):
    assert division_level(code) == level
    assert significant_prefix(code) == prefix


def test_grid_codes_are_their_own_prefix():
    assert significant_prefix("420106001002003") == "420106001002003"


def test_malformed_codes_are_refused():
    with pytest.raises(ValueError, match="12位"):
        division_level("4201")
    with pytest.raises(ValueError):
        significant_prefix("42010600100A")


def test_upper_bound_is_the_next_prefix_of_the_same_length():
    assert prefix_upper_bound("420106001") == "420106002"
    assert prefix_upper_bound("420109") == "420110"
    assert prefix_upper_bound("99") is None
    assert prefix_upper_bound("") is None


def test_the_level_lengths_are_named_once():
    assert codes.LENGTHS == [2, 4, 6, 9, 12, 15, 18, 20, 24]
    assert (codes.DIVISION_CODE_LENGTH, codes.GRID_CODE_LENGTH, codes.HOUSEHOLD_CODE_LENGTH) == (12, 15, 24)
    assert codes.DIVISION_LENGTHS == [2, 4, 6, 9, 12]
    assert codes.MAX_CODE_LENGTH == 24


@pytest.mark.parametrize(("code", "level"), [
    ("42", Level.PROVINCE), ("420106001", Level.STREET), ("420106001001", Level.COMMUNITY),
    ("420106001001001", Level.GRID), ("420106001001001001", Level.BUILDING),
    ("42010600100100100101", Level.UNIT), ("420106001001001001010001", Level.HOUSEHOLD), ("4201060", None), ("", None),
])
def test_a_prefix_has_the_level_of_its_length(code, level):
    assert codes.level_of(code) == level


def test_prefix_at_cuts_a_code_to_a_level():
    household = "420106001001001001010001"
    assert codes.prefix_at(household, Level.COMMUNITY) == "420106001001"
    assert codes.prefix_at(household, Level.UNIT) == "42010600100100100101"
    assert codes.grid_code_of(household) == "420106001001001"
    assert codes.grid_code_of("420106") == "420106"


def test_the_parent_of_a_prefix_is_the_level_above():
    assert codes.parent_code("420106001001001001") == "420106001001001"
    assert codes.parent_code("420106001") == "420106"
    assert codes.parent_code("42") == ""


def test_a_child_is_one_level_down_and_the_top_opens_on_cities():
    assert codes.child_length("420106") == 9
    assert codes.child_length("420106001001") == 15
    assert codes.child_length("42010600100100100101") == 24
    assert codes.child_length("420106001001001001010001") is None
    assert codes.child_length("") == 4


def test_the_division_code_of_a_prefix_is_padded_and_a_grid_gives_its_community():
    assert codes.division_code_of("420106001") == "420106001000"
    assert codes.division_code_of("420106001001001") == "420106001001"
    assert codes.pad_division("420106001001001") == "420106001001001"


def test_shapes_of_codes():
    assert codes.is_prefix("420106001") and not codes.is_prefix("4201060") and not codes.is_prefix("42a")
    assert codes.is_scope_code("420106001000") and codes.is_scope_code("420106001001001")
    assert not codes.is_scope_code("420106001")
    assert codes.is_household_code("420106001001001001010001") and not codes.is_household_code("42010600100100100101")
    assert codes.is_grid_level_or_below("420106001001001") and not codes.is_grid_level_or_below("420106001001")
    assert codes.is_division_prefix("420106001001") and not codes.is_division_prefix("420106001001001")


@pytest.mark.parametrize(("code", "kwargs", "prefix"), [
    ("420106001000", {}, "420106001"),
    (" 420106001 ", {}, "420106001"),
    ("420106001001001", {}, "420106001001001"),
    ("42010600100100100101", {"deepest": Level.UNIT}, "42010600100100100101"),
    ("420106001000", {"whole": True}, "420106001"),
    ("420106001001001", {"whole": True}, "420106001001001"),
])
def test_an_area_code_names_a_prefix(code, kwargs, prefix):
    assert codes.area_prefix(code, **kwargs) == prefix


@pytest.mark.parametrize(("code", "kwargs"), [
    ("", {}), ("42x", {}), ("4201060", {}),
    ("420106001001001001", {}),  # a building, deeper than a grid
    ("420106001", {"whole": True}),  # a prefix, not a whole code
    ("420106001001001", {"deepest": Level.COMMUNITY}),
])
def test_a_malformed_area_code_is_refused(code, kwargs):
    with pytest.raises(ValueError):
        codes.area_prefix(code, **kwargs)
