import datetime as dt

import pytest

from wangge.core.errors import NotFound
from wangge.core.testing.factories import add_resident
from wangge.screening.selectors import area_in_campaign, coverage, history, missing_page, next_household
from wangge.screening.services import declaration_link_for, declaration_submit, visit_record

from .conftest import present


def visit(actor, user, campaign, household, members, outcome="visited", date=None):
    return visit_record(actor=actor(user), campaign_id=campaign.pk, household_id=household.pk, outcome=outcome,
                        members=members, date=date)


def test_coverage_counts_visited_households_and_present_persons(campaign, city, street_officer, actor, today):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    visit(actor, street_officer, campaign, city["households"]["A"][0],
          [present(a), {"resident_id": a2.pk, "present": False}])
    cov = coverage(user=street_officer, campaign=campaign, prefix="420106001", date=today)
    # Street 1: grids A and B, 2 households each; 张伟, 李娜 in A, 王芳 in B.
    assert (cov.area.households_total, cov.area.households_covered) == (4, 1)
    assert (cov.area.persons_total, cov.area.persons_covered) == (3, 1)
    assert cov.area.household_share == 0.25


def test_coverage_is_broken_down_by_child_area(campaign, city, street_officer, actor, today):
    visit(actor, street_officer, campaign, city["households"]["B"][0], [present(city["residents"]["B"])])
    cov = coverage(user=street_officer, campaign=campaign, prefix="420106001001", date=today)
    by_grid = {c.prefix: (c.households_covered, c.households_total, c.persons_covered) for c in cov.children}
    assert by_grid == {"420106001001001": (0, 2, 0), "420106001001002": (1, 2, 1)}


def test_coverage_below_a_grid_goes_to_buildings_and_units(campaign, city, street_officer, actor, today):
    visit(actor, street_officer, campaign, city["households"]["A"][0], [present(city["residents"]["A"])])
    grid = coverage(user=street_officer, campaign=campaign, prefix="420106001001001", date=today)
    assert [(c.prefix, c.households_covered, c.households_total) for c in grid.children] == [
        ("420106001001001001", 1, 2)]
    unit = coverage(user=street_officer, campaign=campaign, prefix="42010600100100100101", date=today)
    assert [c.households_covered for c in unit.children] == [1, 0]


def test_nobody_home_and_refused_count_as_missing(campaign, city, street_officer, actor, today):
    visit(actor, street_officer, campaign, city["households"]["A"][0], [], outcome="nobody_home")
    visit(actor, street_officer, campaign, city["households"]["A"][1], [], outcome="refused")
    cov = coverage(user=street_officer, campaign=campaign, prefix="420106001001001", date=today)
    assert cov.area.households_covered == 0
    page = missing_page(user=street_officer, campaign=campaign, prefix="420106001001001", date=today)
    assert [h.attempt for h in page.items] == ["nobody_home", "refused"]


def test_a_self_declaration_covers_the_household_and_the_person(campaign, city, grid_worker, actor, today):
    link = declaration_link_for(actor=actor(grid_worker), household_id=city["households"]["A"][0].pk)
    declaration_submit(actor=actor(None), token=link.token, resident_id=city["residents"]["A2"].pk,
                       temperature="36.4")
    cov = coverage(user=grid_worker, campaign=campaign, prefix="420106001001001", date=today)
    assert (cov.area.households_covered, cov.area.persons_covered) == (1, 1)


def test_a_person_both_visited_and_declared_counts_once(campaign, city, grid_worker, actor, today):
    household = city["households"]["A"][0]
    a = city["residents"]["A"]
    visit(actor, grid_worker, campaign, household, [present(a)])
    link = declaration_link_for(actor=actor(grid_worker), household_id=household.pk)
    declaration_submit(actor=actor(None), token=link.token, resident_id=a.pk, temperature="36.4")
    cov = coverage(user=grid_worker, campaign=campaign, prefix="420106001001001", date=today)
    assert (cov.area.households_covered, cov.area.persons_covered) == (1, 1)


def test_a_grid_worker_sees_only_their_grid_of_a_street_campaign(campaign, city, grid_worker, actor, today):
    visit(actor, grid_worker, campaign, city["households"]["A"][0], [present(city["residents"]["A"])])
    assert area_in_campaign(user=grid_worker, campaign=campaign) == "420106001001001"
    cov = coverage(user=grid_worker, campaign=campaign, prefix="420106001", date=today)
    assert cov.area.households_total == 2
    assert [c.prefix for c in cov.children] == ["420106001001"]


def test_an_area_outside_reach_or_campaign_is_not_found(campaign, grid_worker):
    for within in ("420106001001002", "420106002", "4201", "abc"):
        with pytest.raises(NotFound):
            area_in_campaign(user=grid_worker, campaign=campaign, within=within)


def test_a_day_without_visits_stays_visible_at_zero(campaign, city, street_officer, actor, today):
    visit(actor, street_officer, campaign, city["households"]["A"][0], [present(city["residents"]["A"])])
    days = history(user=street_officer, campaign=campaign, prefix="420106001")
    assert [(d.date, d.households_covered, d.households_total) for d in days] == [
        (today - dt.timedelta(days=1), 0, 4), (today, 1, 4)]
    assert days[0].share == 0.0


def test_the_missing_list_is_keyset_paginated_in_door_order(campaign, city, street_officer, actor, today):
    visit(actor, street_officer, campaign, city["households"]["A"][0], [present(city["residents"]["A"])])
    first = missing_page(user=street_officer, campaign=campaign, prefix="420106001", date=today, limit=2)
    second = missing_page(user=street_officer, campaign=campaign, prefix="420106001", date=today, limit=2,
                          cursor=first.next_cursor)
    codes = [h.code for h in first.items + second.items]
    assert codes == sorted(codes) and len(codes) == 3 and second.next_cursor is None
    assert city["households"]["A"][0].code not in codes


def test_next_household_goes_up_the_stairwell_then_to_the_next_building(campaign, city, street_officer, actor, today):
    households = city["households"]["A"]
    visit(actor, street_officer, campaign, households[0], [present(city["residents"]["A"])])
    assert next_household(user=street_officer, campaign=campaign, household=households[0], date=today) == households[1]
    visit(actor, street_officer, campaign, households[1], [], outcome="nobody_home")
    # Grid A is done (its one unit tried everywhere): nothing left in the grid.
    assert next_household(user=street_officer, campaign=campaign, household=households[1], date=today) is None


def test_persons_total_follows_the_grid_counters(campaign, city, street_officer, today):
    add_resident(city["households"]["A"][1], name="赵敏", male=False)
    cov = coverage(user=street_officer, campaign=campaign, prefix="420106001", date=today)
    assert cov.area.persons_total == 4
