"""The people app's data checks on hand-made data: heads of households and people registered twice,
each seen only by those whose reach holds it."""

import datetime as dt

import pytest
from django.db import connection

from wangge.core.datachecks import DataCheckFilters, data_check
from wangge.core.testing import GRID_A
from wangge.core.testing.factories import add_resident, valid_id_number

TODAY = dt.date(2026, 11, 29)


def found(key, user, **filters):
    return list(data_check(key).queryset(user=user, filters=DataCheckFilters(**filters), today=TODAY))


@pytest.fixture
def without_the_rule(db):
    """Data from before the one-head rule: the index is dropped inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX resident_one_head_per_household")


def test_a_household_with_two_heads_is_found(city, community_worker, without_the_rule):
    household = city["households"]["A"][0]
    add_resident(household, name="赵敏", relation="head")
    assert found("people.household_two_heads", community_worker) == [household]


def test_two_heads_outside_the_reach_are_not_shown(city, community_worker, outsider, without_the_rule):
    household = city["households"]["C"][0]
    add_resident(household, name="赵敏", relation="head")
    assert found("people.household_two_heads", community_worker) == []
    assert found("people.household_two_heads", outsider) == [household]


def test_households_with_one_head_are_not_found(city, community_worker):
    assert found("people.household_two_heads", community_worker) == []
    assert found("people.household_without_head", community_worker) == []


def test_a_household_of_people_without_a_head_is_found(city, community_worker, outsider):
    household = city["households"]["A"][1]
    add_resident(household, name="周强", relation="child")
    assert found("people.household_without_head", community_worker) == [household]
    assert found("people.household_without_head", outsider) == []


def test_an_empty_household_is_not_missing_a_head(city, community_worker):
    assert city["households"]["B"][1].residents.count() == 0
    assert found("people.household_without_head", community_worker) == []


def test_the_within_filter_narrows_to_a_subtree(city, community_worker):
    add_resident(city["households"]["A"][1], name="周强", relation="child")
    add_resident(city["households"]["B"][1], name="吴磊", relation="child")
    assert [h.grid_code for h in found("people.household_without_head", community_worker, within=GRID_A)] == [GRID_A]
    assert len(found("people.household_without_head", community_worker)) == 2


def test_the_same_name_and_birth_date_twice_in_a_household_are_both_found(city, community_worker, outsider):
    household = city["households"]["A"][1]
    birth = dt.date(1990, 3, 8)
    first = add_resident(household, name="孙丽", male=False, id_number=valid_id_number(birth=birth, male=False))
    second = add_resident(household, name="孙丽", male=False, id_number=valid_id_number(birth=birth, male=False))
    assert found("people.registered_twice", community_worker) == [first, second]
    assert found("people.registered_twice", outsider) == []


def test_the_same_name_with_another_birth_date_or_household_is_not_found(city, community_worker):
    add_resident(
        city["households"]["A"][1],
        name="孙丽",
        male=False,
        id_number=valid_id_number(birth=dt.date(1990, 3, 8), male=False),
    )
    add_resident(
        city["households"]["A"][1],
        name="孙丽",
        male=False,
        id_number=valid_id_number(birth=dt.date(1991, 3, 8), male=False),
    )
    add_resident(
        city["households"]["B"][1],
        name="孙丽",
        male=False,
        id_number=valid_id_number(birth=dt.date(1990, 3, 8), male=False),
    )
    assert found("people.registered_twice", community_worker) == []
