"""health.report_in_future: health reports dated after today, in reach only."""

import datetime as dt

from wangge.core.datachecks import DataCheckFilters, data_check
from wangge.core.testing.factories import make_health_report

TODAY = dt.date(2026, 11, 29)


def found(user):
    return list(data_check("health.report_in_future").queryset(user=user, filters=DataCheckFilters(), today=TODAY))


def test_a_report_dated_tomorrow_is_found_and_today_is_not(city, community_worker):
    resident = city["residents"]["A"]
    future = make_health_report(resident, date=TODAY + dt.timedelta(days=1))
    make_health_report(resident, date=TODAY)
    assert found(community_worker) == [future]


def test_a_future_report_outside_the_reach_is_not_shown(city, community_worker, outsider):
    future = make_health_report(city["residents"]["C"], date=TODAY + dt.timedelta(days=3))
    assert found(community_worker) == []
    assert found(outsider) == [future]
