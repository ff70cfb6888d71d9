"""Every colour rule: red for confirmed and suspected (and a death), yellow for close and secondary
contacts, fevers, quarantine orders and overdue tests, facts of the apps above through the hook,
green otherwise; each colour with its reasons; the rules are configurable."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from wangge.codes import hooks, selectors
from wangge.core.testing.factories import make_quarantine_order, make_quarantine_test, put_in


def _colour(resident):
    colour, reasons = selectors.current_colour(resident)
    return colour, [r.code for r in reasons]


@pytest.mark.parametrize(("status", "colour"), [
    ("confirmed", "r"), ("suspected", "r"), ("deceased", "r"),
    ("fever", "y"), ("close_contact", "y"), ("secondary_contact", "y"),
    ("excluded", "g"), ("recovered", "g"), ("none", "g"),
])
def test_each_status_gives_its_colour(resident, status, colour):
    put_in(resident, status)
    assert _colour(resident)[0] == colour
    reasons = _colour(resident)[1]
    assert reasons == ([] if colour == "g" else [status])


def test_nothing_on_record_is_green_with_no_reasons(resident):
    assert _colour(resident) == ("g", [])


def test_a_reason_has_words_in_the_users_language(resident):
    from django.utils import translation

    put_in(resident, "close_contact")
    with translation.override("en"):
        [reason] = selectors.current_colour(resident)[1]
    assert (reason.code, reason.colour, reason.text) == ("close_contact", "y", "Close contact")


def test_an_active_home_order_is_yellow_and_a_released_one_is_not(resident):
    today = timezone.localdate()
    order = make_quarantine_order(resident, start=today, planned_release=today + dt.timedelta(days=7))
    assert _colour(resident) == ("y", ["quarantine_home"])
    order.status = "released"
    order.save()
    assert _colour(resident) == ("g", [])


def test_an_order_in_its_central_phase_is_yellow_with_its_own_reason(resident):
    today = timezone.localdate()
    make_quarantine_order(resident, start=today, planned_release=today + dt.timedelta(days=7),
                          place="central", phase="central")
    assert _colour(resident) == ("y", ["quarantine_central"])


def test_a_test_not_done_on_its_day_is_yellow_the_day_after(resident):
    today = timezone.localdate()
    order = make_quarantine_order(resident, start=today, planned_release=today + dt.timedelta(days=7))
    make_quarantine_test(order, due=today)
    assert _colour(resident) == ("y", ["quarantine_home"])
    assert selectors.current_colour(resident, today=today + dt.timedelta(days=1))[1][-1].code == "test_overdue"


def test_the_worst_reason_wins_and_comes_first(resident):
    today = timezone.localdate()
    put_in(resident, "confirmed")
    make_quarantine_order(resident, start=today, planned_release=today + dt.timedelta(days=7))
    assert _colour(resident) == ("r", ["confirmed", "quarantine_home"])


def test_facts_of_the_apps_above_colour_the_code_through_the_hook(resident, city):
    other = city["residents"]["B"]

    def positive_pool(*, resident_ids):
        return {resident.pk: [("y", "positive_pool", "混管阳性")]} if resident.pk in resident_ids else {}

    hooks.colour_facts.connect(positive_pool)
    try:
        assert _colour(resident) == ("y", ["positive_pool"])
        assert _colour(other) == ("g", [])
    finally:
        hooks.colour_facts.disconnect(positive_pool)


@override_settings(WANGGE_CODE_COLOURS={"secondary_contact": "g", "quarantine_central": "r", "positive_pool": "r"})
def test_the_settings_change_a_reasons_colour(resident, city):
    put_in(resident, "secondary_contact")
    assert _colour(resident) == ("g", ["secondary_contact"])

    def positive_pool(*, resident_ids):
        return {resident.pk: [("y", "positive_pool", "混管阳性")]}

    hooks.colour_facts.connect(positive_pool)
    try:
        assert _colour(resident)[0] == "r"
    finally:
        hooks.colour_facts.disconnect(positive_pool)


def test_the_bulk_form_colours_many_people_in_a_few_queries(city, django_assert_max_num_queries):
    residents = list(city["residents"].values())
    put_in(residents[0], "confirmed")
    put_in(residents[1], "fever")
    ids = [r.pk for r in residents]
    with django_assert_max_num_queries(3):
        found = selectors.colours(ids)
    assert found[ids[0]].colour == "r" and found[ids[1]].colour == "y"
    assert {found[i].colour for i in ids[2:]} == {"g"}


def test_one_persons_colour_is_three_queries(resident, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        selectors.current_colour(resident)
