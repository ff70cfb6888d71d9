"""The transfer demo data: facilities of every tier, one transfer en route, one late, one handed over."""

import random

import pytest
from django.utils import timezone

from wangge.core.testing.factories import add_resident, build_grid
from wangge.transfer import selectors
from wangge.transfer.demo import seed_demo
from wangge.transfer.models import Admission, CheckIn, ClosedRoad, Facility, TransferOrder, Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_city():
    grid = build_grid("420106001001001", buildings=1, units=2, households=5)
    households = list(grid.buildings.first().units.first().households.all())
    for i in range(40):
        add_resident(households[i % len(households)], name=f"居民{i}")


def test_the_demo_creates_facilities_of_every_tier(small_city):
    seed_demo(rng=random.Random(1), today=timezone.localdate())
    tiers = sorted(Facility.objects.values_list("tier", flat=True))
    assert tiers.count(Facility.Tier.FANGCANG) == 2
    assert tiers.count(Facility.Tier.DESIGNATED_HOSPITAL) == 2
    assert tiers.count(Facility.Tier.GENERAL_HOSPITAL) == 1
    assert tiers.count(Facility.Tier.ISOLATION_SITE) >= 1


def test_the_demo_has_one_transfer_en_route_one_late_and_one_handed_over(small_city):
    seed_demo(rng=random.Random(2), today=timezone.localdate())
    now = timezone.now()
    transfers = list(TransferOrder.objects.all())
    handed = [t for t in transfers if t.status == "handed_over"]
    en_route = [t for t in transfers if t.status == "en_route" and not selectors.is_late(t, now)]
    late = [t for t in transfers if selectors.is_late(t, now)]
    assert (len(handed), len(en_route), len(late)) == (1, 1, 1)
    assert Admission.objects.filter(transfer=handed[0]).count() == handed[0].patients.count() > 0


def test_the_demo_has_a_fleet_a_closed_road_and_convoys_with_seats_and_escorts(small_city):
    seed_demo(rng=random.Random(5), today=timezone.localdate())
    kinds = set(Vehicle.objects.values_list("kind", flat=True))
    assert {Vehicle.Kind.NEGATIVE_PRESSURE_AMBULANCE, Vehicle.Kind.BUS, Vehicle.Kind.GUIDE_CAR} <= kinds
    assert ClosedRoad.objects.filter(is_active=True).count() == 1
    for t in TransferOrder.objects.all():
        convoy = selectors.transfer_convoy(transfer=t)
        patients = t.patients.count()
        assert sum(cv.vehicle.seats for cv in convoy) >= patients
        assert sum(len(cv.crew) for cv in convoy) >= selectors.escorts_needed(patients)
        assert t.acknowledged_at is not None
        # No demo route runs into the demo's closed road.
        assert not selectors.closed_roads_on_route(
            route_note=t.route_note, area_codes=[t.grid_code], departure=t.planned_departure, arrival=t.planned_arrival
        )
    assert CheckIn.objects.exists()


def test_the_demo_runs_once(small_city):
    seed_demo(rng=random.Random(3), today=timezone.localdate())
    seed_demo(rng=random.Random(4), today=timezone.localdate())
    assert TransferOrder.objects.count() == 3
