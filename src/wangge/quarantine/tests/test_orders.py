"""Placing people under quarantine: reach, roles, one active order per person, rooms and beds."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wangge.health.models import PersonStatus
from wangge.quarantine import selectors, services
from wangge.quarantine.models import QuarantineOrder
from wangge.quarantine.tests.conftest import room


def create(actor, user, resident, **kw):
    kw.setdefault("regime_code", "7+3")
    kw.setdefault("place", "home")
    kw.setdefault("reason", "密切接触者")
    return services.quarantine_order_create(actor=actor(user), resident_id=resident.pk, **kw)


def test_a_home_order_gets_its_test_rows_and_planned_release(city, street_officer, actor):
    start = dt.date(2022, 3, 1)
    order = create(actor, street_officer, city["residents"]["A"], start_date=start)
    assert order.planned_release == dt.date(2022, 3, 11)
    assert order.phase == "home"
    assert list(order.tests.order_by("due_date").values_list("phase", "day")) == [
        ("central", 1), ("central", 2), ("central", 3), ("central", 5), ("central", 7), ("home", 3)]
    assert order.grid_code == city["residents"]["A"].grid_code


def test_creating_an_order_is_audited(city, street_officer, actor):
    order = create(actor, street_officer, city["residents"]["A"])
    entry = AuditEntry.objects.get(object_type="quarantine.quarantineorder", object_id=str(order.pk))
    assert entry.action == "create"
    assert entry.changes["regime"] == [None, "7+3"]


def test_creating_an_order_marks_the_person_isolated(city, street_officer, actor):
    resident = city["residents"]["A"]
    PersonStatus.objects.create(resident=resident, grid_code=resident.grid_code, status="close_contact",
                                since=timezone.now())
    create(actor, street_officer, resident)
    assert PersonStatus.objects.get(resident=resident).isolated_at is not None


def test_a_second_active_order_for_the_same_person_is_refused_and_names_the_first(city, street_officer, actor):
    first = create(actor, street_officer, city["residents"]["A"])
    with pytest.raises(Conflict) as exc:
        create(actor, street_officer, city["residents"]["A"])
    assert str(first.pk) in exc.value.message


def test_a_resident_out_of_reach_is_not_found(city, outsider, actor):
    with pytest.raises(NotFound):
        create(actor, outsider, city["residents"]["A"])


def test_a_volunteer_may_not_order_quarantine(city, volunteer, actor):
    with pytest.raises(Forbidden):
        create(actor, volunteer, city["residents"]["A"])


def test_a_grid_worker_may_order_home_quarantine(city, grid_worker, actor):
    assert create(actor, grid_worker, city["residents"]["A"]).place == "home"


def test_a_grid_worker_may_not_order_central_quarantine(city, grid_worker, site, actor):
    with pytest.raises(Forbidden):
        create(actor, grid_worker, city["residents"]["A"], place="central", site_id=site.pk,
               room_id=room(site, "101").pk)


def test_a_central_order_takes_a_bed_in_its_room(city, street_officer, site, actor):
    order = create(actor, street_officer, city["residents"]["A"], place="central", site_id=site.pk,
                   room_id=room(site, "101").pk)
    assert order.phase == "central"
    occupancy = selectors.site_occupancy(user=street_officer)[0]
    assert (occupancy.rooms, occupancy.beds, occupancy.occupied, occupancy.free) == (3, 4, 1, 3)


def test_a_full_room_is_refused(city, street_officer, site, actor):
    create(actor, street_officer, city["residents"]["A"], place="central", site_id=site.pk,
           room_id=room(site, "101").pk)
    with pytest.raises(Conflict) as exc:
        create(actor, street_officer, city["residents"]["A2"], place="central", site_id=site.pk,
               room_id=room(site, "101").pk)
    assert exc.value.code == "room_full"
    assert "房间已满" in exc.value.message


def test_a_two_bed_room_takes_two_people(city, street_officer, site, actor):
    for key in ("A", "A2"):
        create(actor, street_officer, city["residents"][key], place="central", site_id=site.pk,
               room_id=room(site, "103").pk)
    with pytest.raises(Conflict):
        create(actor, street_officer, city["residents"]["B"], place="central", site_id=site.pk,
               room_id=room(site, "103").pk)


def test_a_central_order_needs_a_room(city, street_officer, site, actor):
    with pytest.raises(ValidationFailed):
        create(actor, street_officer, city["residents"]["A"], place="central", site_id=site.pk)


def test_a_site_out_of_reach_is_not_found(city, street_officer, other_site, actor):
    with pytest.raises(NotFound):
        create(actor, street_officer, city["residents"]["A"], place="central", site_id=other_site.pk,
               room_id=other_site.rooms.first().pk)


def test_a_reason_is_required(city, street_officer, actor):
    with pytest.raises(ValidationFailed):
        create(actor, street_officer, city["residents"]["A"], reason="  ")


def test_the_first_free_room_skips_full_rooms(city, street_officer, site, actor):
    create(actor, street_officer, city["residents"]["A"], place="central", site_id=site.pk,
           room_id=room(site, "101").pk)
    assert services.first_free_room(user=street_officer, site_id=site.pk).number == "102"


def test_moving_to_the_home_phase_frees_the_bed(city, street_officer, site, actor):
    start = timezone.localdate() - dt.timedelta(days=7)
    order = create(actor, street_officer, city["residents"]["A"], place="central", site_id=site.pk,
                   room_id=room(site, "101").pk, start_date=start)
    services.order_move_to_home_phase(actor=actor(street_officer), order_id=order.pk)
    order.refresh_from_db()
    assert order.phase == "home" and order.room.number == "101"
    assert selectors.site_occupancy(user=street_officer)[0].occupied == 0


def test_moving_home_before_the_central_days_are_over_is_refused(city, street_officer, site, actor):
    order = create(actor, street_officer, city["residents"]["A"], place="central", site_id=site.pk,
                   room_id=room(site, "101").pk)
    with pytest.raises(ValidationFailed):
        services.order_move_to_home_phase(actor=actor(street_officer), order_id=order.pk)


def test_releases_due_and_tests_overdue_are_read_across_the_whole_grid(city, street_officer, actor):
    today = timezone.localdate()
    due = create(actor, street_officer, city["residents"]["A"], start_date=today - dt.timedelta(days=10))
    create(actor, street_officer, city["residents"]["B"], start_date=today)
    assert list(services.releases_due(on_date=today)) == [due]
    overdue = services.tests_overdue(on_date=today)
    assert {t.order_id for t in overdue} == {due.pk}
    assert overdue.count() == 6  # every test of the old order is due before today; none of the new one


def test_an_order_lists_only_inside_reach(city, street_officer, outsider, actor):
    create(actor, street_officer, city["residents"]["A"])
    assert selectors.order_queryset(user=outsider).count() == 0
    assert selectors.order_queryset(user=street_officer).count() == 1
    assert QuarantineOrder.objects.count() == 1
