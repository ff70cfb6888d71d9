"""Helpers for the alert jobs' tests: people in the loop, quarantine orders and transfers,
written straight to the tables (the jobs read the database, whatever wrote it)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from wangge.core.testing.factories import make_user
from wangge.health.models import PersonStatus
from wangge.quarantine.models import QuarantineOrder, QuarantineTest, Regime
from wangge.transfer.models import Facility, TransferOrder, TransferPatient

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def put_in_loop(resident, status="close_contact", since=None, **facts) -> PersonStatus:
    return PersonStatus.objects.create(
        resident=resident, grid_code=resident.grid_code, status=status, since=since or timezone.now(), **facts
    )


def quarantine_order(resident, *, start: dt.date, planned_release: dt.date, status="active") -> QuarantineOrder:
    return QuarantineOrder.objects.create(
        resident=resident, grid_code=resident.grid_code, regime=Regime.objects.order_by("code").first(),
        place="home", phase="home", start_date=start, planned_release=planned_release, status=status, reason="密接",
    )


def quarantine_test(order, *, due: dt.date, result="pending", day=1) -> QuarantineTest:
    return QuarantineTest.objects.create(order=order, grid_code=order.grid_code, phase="central", day=day,
                                         due_date=due, result=result)


def facility(name="武昌方舱", tier=Facility.Tier.FANGCANG, capacity=100, grid_code="420106") -> Facility:
    return Facility.objects.create(name=name, tier=tier, capacity=capacity, grid_code=grid_code)


def transfer(residents, *, destination, departure: dt.datetime, arrival: dt.datetime, status="planned",
             **extra) -> TransferOrder:
    t = TransferOrder.objects.create(
        grid_code=residents[0].grid_code, origin="社区门口", destination=destination, vehicle="鄂A·12345",
        escort="王医生", escort_phone="13900000000", planned_departure=departure, planned_arrival=arrival,
        status=status, **extra,
    )
    for r in residents:
        TransferPatient.objects.create(transfer=t, resident=r, grid_code=r.grid_code)
    return t


@pytest.fixture
def cdc_user(db):
    return make_user("cdc_1", "cdc", ["420106000000"], display_name="区疾控")


@pytest.fixture
def community_worker(db):
    return make_user("cw_1", "community_worker", ["420106001000"], display_name="社区工作者")
