"""A site run by the district serves the streets and communities below it."""

import pytest
from django.utils import timezone

from wangge.accounts.models import Role
from wangge.core.errors import NotFound
from wangge.core.testing.factories import make_user
from wangge.quarantine.models import QuarantineOrder, Room, Site
from wangge.quarantine.selectors import site_occupancy
from wangge.quarantine.services import quarantine_order_create


@pytest.fixture
def district_site(db):
    site = Site.objects.create(name="区集中隔离点", grid_code="420106")
    Room.objects.create(site=site, grid_code="420106", number="101")
    return site


@pytest.fixture
def community_worker(db):
    return make_user("cw_1", Role.COMMUNITY_WORKER, ["420106001001"])


def test_a_community_worker_sees_the_district_site_among_the_sites_serving_them(district_site, community_worker):
    assert [o.site.pk for o in site_occupancy(user=community_worker)] == [district_site.pk]


def test_a_community_worker_can_place_a_resident_in_the_district_site(city, district_site, community_worker, actor):
    order = quarantine_order_create(
        actor=actor(community_worker), resident_id=city["residents"]["A"].pk, regime_code="7+3", place="central",
        site_id=district_site.pk, room_id=district_site.rooms.get().pk, start_date=timezone.localdate(),
        reason="密接",
    )
    assert order.site == district_site and order.status == QuarantineOrder.Status.ACTIVE


def test_a_site_of_another_district_does_not_serve_them(city, community_worker, actor):
    elsewhere = Site.objects.create(name="外区隔离点", grid_code="420102")
    room = Room.objects.create(site=elsewhere, grid_code="420102", number="1")
    assert site_occupancy(user=community_worker) == []
    with pytest.raises(NotFound):
        quarantine_order_create(
            actor=actor(community_worker), resident_id=city["residents"]["A"].pk, regime_code="7+3",
            place="central", site_id=elsewhere.pk, room_id=room.pk, start_date=timezone.localdate(), reason="密接",
        )
