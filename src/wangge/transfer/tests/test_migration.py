"""The convoy migration: an order's free-text vehicle and escort become a vehicle record of the
order's division and that vehicle's crew; orders already gone count as acknowledged, planned ones
wait for the receiving side."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from wangge.transfer.models import TransferOrder, Vehicle

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("transfer", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_free_text_vehicle_and_escort_become_records(city):
    old = migrate(BEFORE)
    try:
        Facility, Order = old.get_model("transfer", "Facility"), old.get_model("transfer", "TransferOrder")
        Patient = old.get_model("transfer", "TransferPatient")
        facility = Facility.objects.create(name="方舱", tier=2, capacity=10, grid_code="420106")
        now = timezone.now()
        a, b = city["residents"]["A"], city["residents"]["A2"]
        common = dict(grid_code=a.grid_code, origin="门口", destination=facility, vehicle="鄂A·12345",
                      planned_departure=now, planned_arrival=now + dt.timedelta(hours=1))
        gone = Order.objects.create(**common, driver="张师傅", escort="王医生", escort_phone="139", status="en_route",
                                    departed_at=now)
        planned = Order.objects.create(**common, escort="陈护士", status="planned")
        for order, resident in ((gone, a), (gone, b), (planned, a)):
            Patient.objects.create(transfer=order, resident_id=resident.pk, grid_code=resident.grid_code)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    [vehicle] = Vehicle.objects.all()
    assert (vehicle.plate, vehicle.kind, vehicle.seats, vehicle.grid_code) == ("鄂A·12345", "other", 2, a.grid_code)
    gone, planned = TransferOrder.objects.get(pk=gone.pk), TransferOrder.objects.get(pk=planned.pk)
    [cv] = gone.vehicles.all()
    assert (cv.vehicle, cv.driver, [(e.name, e.phone) for e in cv.escorts.all()]) == (
        vehicle, "张师傅", [("王医生", "139")])
    assert gone.acknowledged_at == now and planned.acknowledged_at is None
    assert [e.name for e in planned.vehicles.get().escorts.all()] == ["陈护士"]
