"""Transfer fixtures: a 方舱 run by the district, a hotel isolation site run by street 1, a transfer plan."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.testing.factories import make_facility
from wangge.transfer.models import Facility


@pytest.fixture
def fangcang(db):
    # Run by the district: above the street officer's reach, yet a destination they may use.
    return make_facility("洪山体育馆方舱", Facility.Tier.FANGCANG, capacity=3, grid_code="420106")


@pytest.fixture
def isolation_site(db):
    return make_facility("某酒店隔离点", Facility.Tier.ISOLATION_SITE, capacity=10, grid_code="420106001")


@pytest.fixture
def plan():
    """Keyword arguments of a transfer planned to leave in an hour and arrive an hour later."""
    def make(**overrides):
        start = timezone.now() + dt.timedelta(hours=1)
        kwargs = dict(origin="中南路社区门口", vehicle="鄂A·12345", escort="王医生", escort_phone="13900000000",
                      planned_departure=start, planned_arrival=start + dt.timedelta(hours=1))
        kwargs.update(overrides)
        return kwargs
    return make
