"""The board, the daily four-category table and the epidemic-free compounds and communities."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.errors import NotFound
from wangge.core.testing import GRID_A, GRID_B, STREET_1
from wangge.core.testing.factories import leave, put_in
from wangge.grid.models import Building
from wangge.grid.selectors import area_in_reach
from wangge.health import selectors
from wangge.health.models import EpidemicStatus as S

DAY = dt.timedelta(days=1)


def local_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def table(user, prefix="", date=None):
    area = area_in_reach(user=user, code=prefix)
    return selectors.four_category_table(user=user, area=area, date=date)


def test_the_table_counts_current_new_and_cumulative_per_child_area(city, street_officer):
    today = timezone.localdate()
    put_in(city["residents"]["A"], S.FEVER, since=local_noon(today))
    put_in(city["residents"]["A2"], S.FEVER, since=local_noon(today - 2 * DAY))
    leave(city["residents"]["A2"], S.FEVER, S.EXCLUDED, at=local_noon(today - DAY))
    put_in(city["residents"]["B"], S.CONFIRMED, since=local_noon(today))
    t = table(street_officer, "420106001001")
    rows = {r.prefix: r for r in t.rows}
    fever_a = rows[GRID_A].figures[S.FEVER]
    assert (fever_a.current, fever_a.new, fever_a.cumulative) == (1, 1, 2)
    assert rows[GRID_B].figures[S.CONFIRMED].current == 1
    assert t.total.figures[S.FEVER].cumulative == 2
    assert t.total.figures[S.CONFIRMED].new == 1


def test_the_table_of_a_past_date_counts_that_days_entries(city, street_officer):
    today = timezone.localdate()
    put_in(city["residents"]["A"], S.FEVER, since=local_noon(today - DAY))
    put_in(city["residents"]["B"], S.FEVER, since=local_noon(today))
    yesterday = table(street_officer, STREET_1, date=today - DAY).total.figures[S.FEVER]
    assert (yesterday.new, yesterday.cumulative) == (1, 1)


def test_new_that_day_follows_the_local_date_not_utc(city, street_officer):
    today = timezone.localdate()
    # 00:30 in Shanghai is still the previous day in UTC.
    early = timezone.make_aware(dt.datetime.combine(today, dt.time(0, 30)))
    put_in(city["residents"]["A"], S.FEVER, since=early)
    assert table(street_officer, STREET_1, date=today).total.figures[S.FEVER].new == 1
    assert table(street_officer, STREET_1, date=today - DAY).total.figures[S.FEVER].new == 0


def test_the_table_lists_every_child_area_in_reach_even_with_nothing_in_it(city, street_officer):
    t = table(street_officer, "420106001001")
    assert [r.prefix for r in t.rows] == [GRID_A, GRID_B]
    assert t.total.figures[S.CONFIRMED].current == 0


def test_the_table_of_a_user_counts_only_their_reach(city, grid_worker):
    put_in(city["residents"]["B"], S.FEVER)
    put_in(city["residents"]["C"], S.FEVER)
    put_in(city["residents"]["A"], S.FEVER)
    assert table(grid_worker).total.figures[S.FEVER].current == 1


def test_an_area_outside_reach_is_not_found(city, grid_worker):
    with pytest.raises(NotFound):
        area_in_reach(user=grid_worker, code="420106002")


def test_an_area_above_reach_is_navigable_but_counts_only_the_reach(city, grid_worker):
    put_in(city["residents"]["B"], S.FEVER)
    assert table(grid_worker, "420106").total.figures[S.FEVER].current == 0


def test_the_report_has_a_row_per_child_area_and_sums_them(city, street_officer):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    t = table(street_officer, "420106001001")
    report = selectors.four_category_report(t, user=street_officer)
    assert [row[:2] for row in report.rows] == [[r.prefix, r.name] for r in t.rows]
    index = [(str(c.group), str(c.label)) for c in report.columns].index(("密切接触者", "现有"))
    assert report.columns[index].total is True
    assert sum(row[index] for row in report.rows) == t.total.figures[S.CLOSE_CONTACT].current == 1
    assert all(len(row) == len(report.columns) for row in report.rows)


def test_the_board_has_totals_new_today_children_and_gaps(city, street_officer):
    put_in(city["residents"]["A"], S.CONFIRMED)
    put_in(city["residents"]["B"], S.SECONDARY_CONTACT)
    area = area_in_reach(user=street_officer, code="420106001001")
    b = selectors.board(user=street_officer, area=area)
    assert b.totals[S.CONFIRMED] == 1 and b.new_today[S.CONFIRMED] == 1
    assert b.totals[S.SECONDARY_CONTACT] == 1
    assert [r.prefix for r in b.children] == [GRID_A, GRID_B]
    assert b.gaps["unadmitted"] == 1


# --- Epidemic-free compounds and communities -------------------------------------------------
def free(user, prefix=STREET_1, now=None):
    return selectors.epidemic_free_summary(user=user, prefix=prefix, now=now, days=14)


def test_with_no_cases_every_compound_and_community_is_free(city, street_officer):
    total = free(street_officer).total
    assert (total.compounds, total.compounds_free, total.communities, total.communities_free) == (2, 2, 1, 1)
    assert total.compound_share == 100


def test_a_person_in_one_of_the_four_categories_makes_the_compound_not_free(city, street_officer):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    total = free(street_officer).total
    assert (total.compounds_free, total.communities_free) == (1, 0)
    assert total.compound_share == 50


def test_a_secondary_contact_does_not_count(city, street_officer):
    put_in(city["residents"]["A"], S.SECONDARY_CONTACT)
    assert free(street_officer).total.compounds_free == 2


def test_a_compound_is_free_again_exactly_n_days_after_its_last_case_left(city, street_officer):
    now = timezone.now()
    leave(city["residents"]["A"], S.FEVER, S.EXCLUDED, at=now - dt.timedelta(days=14))
    assert free(street_officer, now=now).total.compounds_free == 2


def test_a_compound_is_not_free_one_minute_before_n_days(city, street_officer):
    now = timezone.now()
    leave(city["residents"]["A"], S.FEVER, S.EXCLUDED, at=now - dt.timedelta(days=14) + dt.timedelta(minutes=1))
    assert free(street_officer, now=now).total.compounds_free == 1


def test_the_number_of_days_comes_from_the_setting(city, street_officer, settings):
    now = timezone.now()
    leave(city["residents"]["A"], S.FEVER, S.EXCLUDED, at=now - dt.timedelta(days=8))
    settings.WANGGE_EPIDEMIC_FREE_DAYS = 7
    assert selectors.epidemic_free_summary(user=street_officer, prefix=STREET_1, now=now).total.compounds_free == 2
    settings.WANGGE_EPIDEMIC_FREE_DAYS = 10
    assert selectors.epidemic_free_summary(user=street_officer, prefix=STREET_1, now=now).total.compounds_free == 1


def test_buildings_with_the_same_compound_name_in_a_community_are_one_compound(city, street_officer):
    Building.objects.filter(grid_code__in=[GRID_A, GRID_B]).update(compound="墨水湖小区")
    put_in(city["residents"]["B"], S.FEVER)
    total = free(street_officer).total
    assert (total.compounds, total.compounds_free) == (1, 0)


def test_the_summary_is_given_per_child_area(city, street_officer):
    put_in(city["residents"]["B"], S.FEVER)
    children = {p: f for p, _name, f in free(street_officer, prefix="420106001001").children}
    assert (children[GRID_A].compounds_free, children[GRID_B].compounds_free) == (1, 0)


def test_the_summary_counts_only_the_users_reach(city, grid_worker):
    put_in(city["residents"]["B"], S.FEVER)
    total = free(grid_worker, prefix="").total
    assert (total.compounds, total.compounds_free) == (1, 1)


def test_above_a_community_the_figures_agree_with_each_communitys_own(city, street_officer):
    """A street's children are communities: their figures come from the registry's cached counts
    less the affected compounds; a community's children are grids, counted building by building."""
    from wangge.core.testing.factories import build_grid

    build_grid("420106001002001", buildings=3)
    Building.objects.filter(grid_code="420106001002001", code__endswith="001").update(compound="滨江苑")
    Building.objects.filter(grid_code="420106001002001", code__endswith="002").update(compound="滨江苑")
    put_in(city["residents"]["A"], S.CONFIRMED)
    street = free(street_officer)
    assert [c for c, _name, _f in street.children] == ["420106001001", "420106001002"]
    for community, _name, figures in street.children:
        own = free(street_officer, prefix=community).total
        assert (figures.compounds, figures.compounds_free, figures.communities, figures.communities_free) == (
            own.compounds, own.compounds_free, own.communities, own.communities_free)
    assert (street.total.compounds, street.total.compounds_free) == (4, 3)  # 2 + (滨江苑 and one without)
    assert (street.total.communities, street.total.communities_free) == (2, 1)


def test_the_registry_counts_are_reused_and_a_new_building_counts_at_once(city, street_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wangge.core.testing.factories import make_building
    from wangge.grid.models import Grid

    assert free(street_officer).total.compounds == 2

    def building_scans() -> int:
        with CaptureQueriesContext(connection) as queries:
            total = free(street_officer).total.compounds
        return total, sum('FROM "grid_building"' in q["sql"] and "CASE WHEN" in q["sql"]
                          for q in queries.captured_queries)

    assert building_scans() == (2, 0)  # cached
    make_building(Grid.objects.get(code=GRID_B), number=7, compound="新建小区")
    assert building_scans() == (3, 1)
