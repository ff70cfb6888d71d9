"""quarantine.test_in_future: test results or samplings timed after today, in reach only."""

import datetime as dt

from wangge.core.datachecks import DataCheckFilters, data_check, start_of_day_after
from wangge.core.testing.factories import make_quarantine_order, make_quarantine_test

TODAY = dt.date(2026, 11, 29)


def found(user):
    return list(data_check("quarantine.test_in_future").queryset(user=user, filters=DataCheckFilters(), today=TODAY))


def order_of(resident):
    return make_quarantine_order(
        resident, start=TODAY - dt.timedelta(days=3), planned_release=TODAY + dt.timedelta(days=11)
    )


def test_a_result_timed_after_today_is_found(city, community_worker):
    order = order_of(city["residents"]["A"])
    future = make_quarantine_test(order, due=TODAY, day=1)
    future.result, future.result_at = "negative", start_of_day_after(TODAY) + dt.timedelta(hours=9)
    future.save()
    today = make_quarantine_test(order, due=TODAY, day=2)
    today.result, today.result_at = "negative", start_of_day_after(TODAY) - dt.timedelta(hours=1)
    today.save()
    assert found(community_worker) == [future]


def test_a_sampling_timed_after_today_is_found(city, community_worker):
    test = make_quarantine_test(order_of(city["residents"]["A"]), due=TODAY)
    test.sampled_at = start_of_day_after(TODAY) + dt.timedelta(days=2)
    test.save()
    assert found(community_worker) == [test]


def test_a_future_result_outside_the_reach_is_not_shown(city, community_worker, outsider):
    test = make_quarantine_test(order_of(city["residents"]["C"]), due=TODAY)
    test.result, test.result_at = "positive", start_of_day_after(TODAY) + dt.timedelta(days=5)
    test.save()
    assert found(community_worker) == []
    assert found(outsider) == [test]
