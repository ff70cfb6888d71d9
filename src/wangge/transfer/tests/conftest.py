import datetime as dt

import pytest
from django.utils import timezone

from wangge.core.testing.factories import make_user
from wangge.transfer.models import Facility


@pytest.fixture
def cdc_user(db):
    return make_user("cdc_1", "cdc", ["420106000000"], display_name="区疾控")


@pytest.fixture
def community_worker(db):
    return make_user("cw_1", "community_worker", ["420106001000"], display_name="社区工作者")


@pytest.fixture
def fangcang(db):
    # Run by the district: above the street officer's reach, yet a destination they may use.
    return Facility.objects.create(name="洪山体育馆方舱", tier=Facility.Tier.FANGCANG, capacity=3,
                                   grid_code="420106")


@pytest.fixture
def isolation_site(db):
    return Facility.objects.create(name="某酒店隔离点", tier=Facility.Tier.ISOLATION_SITE, capacity=10,
                                   grid_code="420106001")


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
