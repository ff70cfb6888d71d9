"""screening's data checks: visits and self-declarations dated after today, in reach only."""

import datetime as dt

from wangge.core.datachecks import DataCheckFilters, data_check
from wangge.core.testing.factories import make_campaign, make_self_declaration, make_visit

TODAY = dt.date(2026, 11, 29)
TOMORROW = TODAY + dt.timedelta(days=1)


def found(key, user):
    return list(data_check(key).queryset(user=user, filters=DataCheckFilters(), today=TODAY))


def test_a_visit_dated_tomorrow_is_found_and_today_is_not(city, community_worker, outsider):
    campaign = make_campaign("420106")
    household = city["households"]["A"][0]
    future = make_visit(campaign, household, date=TOMORROW)
    make_visit(campaign, household, date=TODAY)
    assert found("screening.visit_in_future", community_worker) == [future]
    assert found("screening.visit_in_future", outsider) == []


def test_a_declaration_dated_tomorrow_is_found_only_in_reach(city, community_worker, outsider):
    future = make_self_declaration(city["residents"]["C"], date=TOMORROW)
    make_self_declaration(city["residents"]["A"], date=TODAY)
    assert found("screening.declaration_in_future", community_worker) == []
    assert found("screening.declaration_in_future", outsider) == [future]
