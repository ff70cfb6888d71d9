"""Release: on or after the planned date, every required test negative; extension with a reason."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.errors import ValidationFailed
from wangge.quarantine import services
from wangge.quarantine.tests.conftest import room


def order_started(actor, user, resident, days_ago, **kw):
    kw.setdefault("place", "home")
    return services.quarantine_order_create(
        actor=actor(user), resident_id=resident.pk, regime_code="7+3", reason="密接",
        start_date=timezone.localdate() - dt.timedelta(days=days_ago), **kw)


def all_negative(actor, user, order):
    for test in order.tests.all():
        services.test_result_record(actor=actor(user), test_id=test.pk, result="negative")


def test_release_is_refused_before_the_planned_date(city, street_officer, actor):
    order = order_started(actor, street_officer, city["residents"]["A"], 9)
    all_negative(actor, street_officer, order)
    with pytest.raises(ValidationFailed) as exc:
        services.order_release(actor=actor(street_officer), order_id=order.pk)
    assert exc.value.code == "release_refused"
    assert "未到解除日期" in exc.value.message


def test_release_is_refused_while_a_test_is_pending_and_names_it(city, street_officer, actor):
    order = order_started(actor, street_officer, city["residents"]["A"], 10)
    for test in order.tests.exclude(phase="home"):
        services.test_result_record(actor=actor(street_officer), test_id=test.pk, result="negative")
    with pytest.raises(ValidationFailed) as exc:
        services.order_release(actor=actor(street_officer), order_id=order.pk)
    assert exc.value.code == "release_refused"
    assert "居家期第3天" in exc.value.message and "未出结果" in exc.value.message


def test_release_is_refused_with_a_positive_test(city, street_officer, actor):
    order = order_started(actor, street_officer, city["residents"]["A"], 10)
    all_negative(actor, street_officer, order.__class__.objects.get(pk=order.pk))
    order.tests.filter(phase="home").update(result="positive")
    with pytest.raises(ValidationFailed) as exc:
        services.order_release(actor=actor(street_officer), order_id=order.pk)
    assert exc.value.code == "release_refused"
    assert "阳性" in exc.value.message


def test_release_with_every_test_negative_issues_a_numbered_certificate(city, street_officer, actor):
    order = order_started(actor, street_officer, city["residents"]["A"], 10)
    all_negative(actor, street_officer, order)
    released = services.order_release(actor=actor(street_officer), order_id=order.pk)
    today = timezone.localdate()
    assert released.status == "released"
    assert released.released_by == street_officer
    assert released.certificate_number == f"JC{today:%Y%m%d}{order.pk:08d}"


def test_release_frees_the_room(city, street_officer, site, actor):
    order = order_started(actor, street_officer, city["residents"]["A"], 10, place="central", site_id=site.pk,
                          room_id=room(site, "101").pk)
    all_negative(actor, street_officer, order)
    services.order_release(actor=actor(street_officer), order_id=order.pk)
    again = order_started(actor, street_officer, city["residents"]["A2"], 0, place="central", site_id=site.pk,
                          room_id=room(site, "101").pk)
    assert again.room.number == "101"


def test_a_grid_worker_may_not_release(city, grid_worker, street_officer, actor):
    from wangge.core.errors import Forbidden

    order = order_started(actor, street_officer, city["residents"]["A"], 10)
    with pytest.raises(Forbidden):
        services.order_release(actor=actor(grid_worker), order_id=order.pk)


def test_an_extension_needs_a_reason(city, street_officer, actor):
    order = order_started(actor, street_officer, city["residents"]["A"], 3)
    with pytest.raises(ValidationFailed):
        services.order_extend(actor=actor(street_officer), order_id=order.pk, days=3, reason="")


def test_an_extension_pushes_the_release_and_tests_on_the_new_last_day(city, street_officer, actor):
    order = order_started(actor, street_officer, city["residents"]["A"], 3)
    before = order.planned_release
    extended = services.order_extend(actor=actor(street_officer), order_id=order.pk, days=4, reason="同住人阳性")
    assert extended.planned_release == before + dt.timedelta(days=4)
    assert extended.extension_days == 4 and extended.extension_reason == "同住人阳性"
    new_last = extended.planned_release - dt.timedelta(days=1)
    added = list(extended.tests.filter(due_date__gte=before).order_by("due_date").values_list("phase", "day",
                                                                                              "due_date"))
    # 7+3 continues its home phase: home days 4..7; tests on day 7 (the new last day) and 3 days back, day 4.
    assert added == [("home", 4, new_last - dt.timedelta(days=3)), ("home", 7, new_last)]


def test_an_extended_order_needs_its_new_tests_before_release(city, street_officer, actor):
    order = order_started(actor, street_officer, city["residents"]["A"], 12)
    all_negative(actor, street_officer, order)
    services.order_extend(actor=actor(street_officer), order_id=order.pk, days=1, reason="复核")
    with pytest.raises(ValidationFailed) as exc:
        services.order_release(actor=actor(street_officer), order_id=order.pk)
    assert exc.value.code == "release_refused"
    assert "居家期第4天" in exc.value.message
