"""``area_in_reach``: the one way an area parameter becomes a prefix in the user's reach."""

from __future__ import annotations

import pytest

from wangge.core.codes import Level
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.testing import GRID_A, GRID_B, GRID_C
from wangge.grid.selectors import area_in_reach, household_in_reach

INVALID = ValidationFailed("bad", code="invalid_scope_code", errors={"area_code": "bad"})


def test_a_division_code_is_cut_to_its_prefix_and_named(city, street_officer):
    area = area_in_reach(user=street_officer, code="420106001000")
    assert (area.prefix, area.level) == ("420106001", Level.STREET)
    assert area.name


def test_an_empty_code_is_the_top_of_the_reach(city, grid_worker):
    assert area_in_reach(user=grid_worker, code="").prefix == GRID_A


def test_an_ancestor_is_navigable_but_not_a_place_to_act(city, grid_worker):
    assert area_in_reach(user=grid_worker, code="420106001").prefix == "420106001"
    with pytest.raises(NotFound):
        area_in_reach(user=grid_worker, code="420106001", navigable=False)


def test_an_area_outside_the_reach_is_not_found_and_names_nothing(city, grid_worker):
    for code in (GRID_B, GRID_C, "420106002000"):
        with pytest.raises(NotFound) as caught:
            area_in_reach(user=grid_worker, code=code)
        assert caught.value.code == "not_found"
        assert code not in caught.value.message


def test_a_malformed_link_is_not_found(city, street_officer):
    for code in ("abc", "4201060", "420106001001001001"):
        with pytest.raises(NotFound):
            area_in_reach(user=street_officer, code=code)


def test_a_malformed_field_raises_the_fields_validation_error(city, street_officer):
    for code in ("", "abc", "420106001"):
        with pytest.raises(ValidationFailed) as caught:
            area_in_reach(user=street_officer, code=code, whole=True, invalid=INVALID)
        assert caught.value.code == "invalid_scope_code"


def test_the_area_can_be_bound_to_lie_inside_another(city, street_officer):
    assert area_in_reach(user=street_officer, code=GRID_B, inside="420106001001").prefix == GRID_B
    with pytest.raises(NotFound):
        area_in_reach(user=street_officer, code="420106001", inside="420106001001")


def test_deeper_levels_are_accepted_only_when_asked(city, street_officer):
    unit = city["households"]["A"][0].unit.code
    assert area_in_reach(user=street_officer, code=unit, deepest=Level.UNIT).level == Level.UNIT
    with pytest.raises(NotFound):
        area_in_reach(user=street_officer, code=unit)


def test_an_area_that_does_not_exist_is_refused_when_it_must(city, street_officer):
    assert area_in_reach(user=street_officer, code="420106001009").prefix == "420106001009"
    with pytest.raises(NotFound):
        area_in_reach(user=street_officer, code="420106001009", existing=True)
    assert area_in_reach(user=street_officer, code=GRID_A, existing=True).prefix == GRID_A


def test_a_household_in_reach_comes_with_its_unit_building_and_grid(city, grid_worker, django_assert_num_queries):
    pk = city["households"]["A"][0].pk
    assert grid_worker.scope_prefixes  # the reach is read once per user
    with django_assert_num_queries(1):
        household = household_in_reach(user=grid_worker, pk=pk)
        assert household.unit.building.grid.code == GRID_A


def test_a_household_outside_reach_or_with_a_bad_id_is_not_found(city, grid_worker):
    for pk in (city["households"]["B"][0].pk, "x", None, 10**9):
        with pytest.raises(NotFound):
            household_in_reach(user=grid_worker, pk=pk)
