import pytest

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
