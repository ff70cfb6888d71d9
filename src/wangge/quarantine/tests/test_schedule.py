"""Every preset regime's test days and planned release (the morning after the last day)."""

import datetime as dt

import pytest

from wangge.quarantine import services
from wangge.quarantine.models import Regime

START = dt.date(2022, 3, 1)


def days(*offsets):
    return [START + dt.timedelta(days=o) for o in offsets]


def schedule(code, place="central"):
    return services.test_schedule(Regime.objects.get(code=code), START, place)


@pytest.mark.django_db
def test_the_14_day_regime_tests_on_days_1_7_and_14():
    assert schedule("14") == [("central", 1, START), ("central", 7, days(6)[0]), ("central", 14, days(13)[0])]


@pytest.mark.django_db
def test_the_14_plus_7_regime_tests_on_central_days_1_4_7_14_and_not_at_home():
    rows = schedule("14+7")
    assert [(p, d) for p, d, _ in rows] == [("central", 1), ("central", 4), ("central", 7), ("central", 14)]
    assert [due for *_, due in rows] == days(0, 3, 6, 13)


@pytest.mark.django_db
def test_the_7_plus_3_regime_tests_on_central_days_1_2_3_5_7_and_home_day_3():
    rows = schedule("7+3")
    assert [(p, d) for p, d, _ in rows] == [
        ("central", 1), ("central", 2), ("central", 3), ("central", 5), ("central", 7), ("home", 3)]
    assert [due for *_, due in rows] == days(0, 1, 2, 4, 6, 7 + 2)


@pytest.mark.django_db
def test_the_5_plus_3_regime_tests_on_central_days_1_2_3_5_and_home_days_1_and_3():
    rows = schedule("5+3")
    assert [(p, d) for p, d, _ in rows] == [
        ("central", 1), ("central", 2), ("central", 3), ("central", 5), ("home", 1), ("home", 3)]
    assert [due for *_, due in rows] == days(0, 1, 2, 4, 5, 7)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["14", "14+7", "7+3", "5+3"])
def test_a_home_order_keeps_the_regime_schedule_with_its_phase_labels(code):
    assert schedule(code, "home") == schedule(code, "central")


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "release"), [("14", 14), ("14+7", 21), ("7+3", 10), ("5+3", 8)])
def test_planned_release_is_the_morning_after_the_last_day(code, release):
    regime = Regime.objects.get(code=code)
    assert services.planned_release_for(regime, START) == START + dt.timedelta(days=release)
