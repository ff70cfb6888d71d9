"""Transfer fixtures: a 方舱 run by the district, a hotel isolation site run by street 1, a transfer plan."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.testing.factories import make_facility, make_vehicle
from wangge.transfer.models import Facility


@pytest.fixture
def fangcang(db):
    # Run by the district: above the street officer's reach, yet a destination they may use.
    return make_facility("洪山体育馆方舱", Facility.Tier.FANGCANG, capacity=3, grid_code="420106")


@pytest.fixture
def isolation_site(db):
    return make_facility("某酒店隔离点", Facility.Tier.ISOLATION_SITE, capacity=10, grid_code="420106001")


def convoy_of(*vehicles, escorts=1):
    """The ``vehicles`` argument of a convoy: each vehicle with a driver and ``escorts`` escorts."""
    return [{"vehicle_id": v.pk, "driver": "张师傅", "driver_phone": "13800000000",
             "escorts": [{"name": f"医生{i}", "phone": f"1390000000{i}"} for i in range(escorts)]}
            for v in vehicles]


@pytest.fixture
def plan(db):
    """Keyword arguments of a transfer planned to leave in an hour and arrive an hour later, on a
    negative-pressure ambulance of its own (4 seats, one escort) run by the district."""
    def make(**overrides):
        start = timezone.now() + dt.timedelta(hours=1)
        kwargs = dict(origin="中南路社区门口", vehicles=convoy_of(make_vehicle(seats=4)),
                      planned_departure=start, planned_arrival=start + dt.timedelta(hours=1))
        kwargs.update(overrides)
        return kwargs
    return make
