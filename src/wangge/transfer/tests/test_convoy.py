"""A transfer's convoy: vehicle records with seats, drivers and escorts (seed 000: 494 patients, one
bus, two staff).  Enough seats and enough escorts, or the order is refused with a code."""

import pytest
from django.test import override_settings

from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.core.testing.factories import add_resident, make_vehicle
from wangge.transfer import services
from wangge.transfer.models import TransferEscort, TransferOrder, TransferVehicle, Vehicle
from wangge.transfer.tests.conftest import convoy_of

pytestmark = pytest.mark.django_db


def create(actor, user, residents, destination, plan, **kw):
    return services.transfer_create(actor=actor(user), resident_ids=[r.pk for r in residents],
                                    destination_id=destination.pk, **plan(**kw))


@pytest.fixture
def many(city):
    """Twelve residents of grid A."""
    household = city["households"]["A"][0]
    return [add_resident(household, name=f"病人{i}") for i in range(12)]


def test_a_convoy_of_several_vehicles_each_with_driver_and_escorts_is_recorded(
        city, street_officer, actor, fangcang, plan, many):
    fangcang.capacity = 20
    fangcang.save()
    bus, guide = make_vehicle(kind=Vehicle.Kind.BUS, seats=45), make_vehicle(kind=Vehicle.Kind.GUIDE_CAR, seats=0)
    t = create(actor, street_officer, many, fangcang, plan, vehicles=convoy_of(guide, bus, escorts=1))
    assert [cv.vehicle for cv in t.vehicles.order_by("position")] == [guide, bus]
    assert TransferEscort.objects.filter(convoy_vehicle__transfer=t).count() == 2
    assert t.vehicle == f"{guide.plate}、{bus.plate}"


def test_a_convoy_without_enough_seats_is_refused(city, street_officer, actor, fangcang, plan, many):
    fangcang.capacity = 20
    fangcang.save()
    with pytest.raises(ValidationFailed, match="共 4 个座位，不足以转运 12 人") as raised:
        create(actor, street_officer, many, fangcang, plan, vehicles=convoy_of(make_vehicle(seats=4), escorts=2))
    assert raised.value.code == "not_enough_seats"
    assert not TransferOrder.objects.exists()


def test_a_guide_car_adds_no_seats(city, street_officer, actor, fangcang, plan):
    residents = [city["residents"]["A"]]
    with pytest.raises(ValidationFailed) as raised:
        create(actor, street_officer, residents, fangcang, plan,
               vehicles=convoy_of(make_vehicle(kind=Vehicle.Kind.GUIDE_CAR, seats=0)))
    assert raised.value.code == "not_enough_seats"


def test_the_seeds_bus_of_494_with_two_staff_is_refused_for_escorts(city, street_officer, actor, fangcang, plan,
                                                                    many):
    # 12 patients, 10 per escort by default: 2 escorts needed, 1 given.
    fangcang.capacity = 20
    fangcang.save()
    with pytest.raises(ValidationFailed, match="至少需要 2 名随车人员") as raised:
        create(actor, street_officer, many, fangcang, plan,
               vehicles=convoy_of(make_vehicle(kind=Vehicle.Kind.BUS, seats=45), escorts=1))
    assert raised.value.code == "not_enough_escorts"


@override_settings(WANGGE_TRANSFER_PATIENTS_PER_ESCORT=20)
def test_the_patients_per_escort_is_a_setting(city, street_officer, actor, fangcang, plan, many):
    fangcang.capacity = 20
    fangcang.save()
    t = create(actor, street_officer, many, fangcang, plan,
               vehicles=convoy_of(make_vehicle(kind=Vehicle.Kind.BUS, seats=45), escorts=1))
    assert t.patients.count() == 12


def test_a_convoy_needs_a_vehicle(city, street_officer, actor, fangcang, plan):
    with pytest.raises(ValidationFailed) as raised:
        create(actor, street_officer, [city["residents"]["A"]], fangcang, plan, vehicles=[])
    assert raised.value.code == "vehicles_required"


def test_a_vehicle_of_another_district_is_not_found(city, street_officer, actor, fangcang, plan):
    elsewhere = make_vehicle(seats=4, grid_code="420102")
    with pytest.raises(NotFound):
        create(actor, street_officer, [city["residents"]["A"]], fangcang, plan, vehicles=convoy_of(elsewhere))


def test_a_vehicle_already_on_its_way_cannot_join_another_convoy(city, street_officer, actor, fangcang, plan):
    ambulance = make_vehicle(seats=4)
    create(actor, street_officer, [city["residents"]["A"]], fangcang, plan, vehicles=convoy_of(ambulance))
    with pytest.raises(Conflict) as raised:
        create(actor, street_officer, [city["residents"]["B"]], fangcang, plan, vehicles=convoy_of(ambulance))
    assert raised.value.code == "vehicle_busy"


def test_an_inactive_vehicle_and_a_repeated_one_are_refused(city, street_officer, actor, fangcang, plan):
    off = make_vehicle(seats=4, is_active=False)
    with pytest.raises(Conflict) as raised:
        create(actor, street_officer, [city["residents"]["A"]], fangcang, plan, vehicles=convoy_of(off))
    assert raised.value.code == "vehicle_inactive"
    twice = make_vehicle(seats=4)
    with pytest.raises(ValidationFailed) as raised:
        create(actor, street_officer, [city["residents"]["A"]], fangcang, plan, vehicles=convoy_of(twice, twice))
    assert raised.value.code == "vehicle_repeated"


def test_editing_a_planned_transfer_checks_the_seats_again_and_undoes_the_acknowledgement(
        city, street_officer, actor, fangcang, plan):
    t = create(actor, street_officer, [city["residents"]["A"], city["residents"]["A2"]], fangcang, plan)
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=t.pk, name="李护士长")
    kwargs = plan()
    kwargs.pop("vehicles")
    with pytest.raises(ValidationFailed) as raised:
        services.transfer_update(actor=actor(street_officer), transfer_id=t.pk,
                                 vehicles=convoy_of(make_vehicle(seats=1)), **kwargs)
    assert raised.value.code == "not_enough_seats"
    minibus = make_vehicle(kind=Vehicle.Kind.MINIBUS, seats=16)
    services.transfer_update(actor=actor(street_officer), transfer_id=t.pk, vehicles=convoy_of(minibus), **kwargs)
    t.refresh_from_db()
    assert [cv.vehicle for cv in TransferVehicle.objects.filter(transfer=t)] == [minibus]
    assert t.acknowledged_at is None


def test_the_form_keeps_what_was_typed_when_the_seats_are_short(city, street_officer, fangcang):
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from wangge.core.testing import login

    start = timezone.localtime() + dt.timedelta(hours=1)
    small = make_vehicle(seats=1)
    response = login(street_officer).post(reverse("transfer:new"), {
        "resident_ids": [city["residents"]["A"].pk, city["residents"]["B"].pk], "origin": "中南路社区门口",
        "destination": fangcang.pk, "vehicle_1": small.pk, "driver_1": "张师傅", "escorts_1": "王医生 13900000000",
        "route_note": "武珞路", "planned_departure": start.strftime("%Y-%m-%dT%H:%M"),
        "planned_arrival": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    })
    assert response.status_code == 200
    text = response.content.decode()
    assert "不足以转运 2 人" in text
    assert "中南路社区门口" in text and "王医生 13900000000" in text and "张师傅" in text
    assert f'value="{small.pk}" selected' in text
    assert not TransferOrder.objects.exists()


def test_add_a_vehicle_row_redraws_the_form_with_one_more_row(city, street_officer, fangcang):
    from django.urls import reverse

    from wangge.core.testing import login

    response = login(street_officer).post(reverse("transfer:new"), {"origin": "门口", "rows": "3", "add_row": "1"})
    assert response.status_code == 200
    assert response.context["form"].row_count == 4
    assert not TransferOrder.objects.exists()


def test_a_vehicle_is_registered_once_per_division_in_reach(street_officer, actor):
    from wangge.core.testing import STREET_1, STREET_2

    v = services.vehicle_create(actor=actor(street_officer), plate="鄂a·j0921", kind="bus", seats=45,
                                grid_code=STREET_1)
    assert (v.plate, v.seats, STREET_1.startswith(v.grid_code)) == ("鄂A·J0921", 45, True)
    with pytest.raises(Conflict) as raised:
        services.vehicle_create(actor=actor(street_officer), plate="鄂A·J0921", kind="bus", seats=45,
                                grid_code=STREET_1)
    assert raised.value.code == "plate_taken"
    with pytest.raises(ValidationFailed) as raised:
        services.vehicle_create(actor=actor(street_officer), plate="鄂A·J0922", kind="bus", seats=45,
                                grid_code=STREET_2)
    assert raised.value.code == "invalid_division_code"


def test_a_community_worker_may_not_register_vehicles(community_worker, actor):
    from wangge.core.errors import Forbidden
    from wangge.core.testing import STREET_1

    with pytest.raises(Forbidden):
        services.vehicle_create(actor=actor(community_worker), plate="鄂A·1", kind="bus", seats=45,
                                grid_code=STREET_1)


def test_the_api_lists_vehicles_in_reach_and_those_of_the_division_above(street_officer, outsider):
    from wangge.core.testing import Api

    mine, district = make_vehicle(grid_code="420106001"), make_vehicle(grid_code="420106")
    make_vehicle(grid_code="420106002")  # the other street's
    plates = {v["plate"] for v in Api(street_officer).get("/vehicles").json()["items"]}
    assert plates == {mine.plate, district.plate}
    refused = Api(street_officer).post("/vehicles", {"plate": "鄂A·2", "kind": "bus", "seats": 45,
                                                     "grid_code": "420106002"})
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_division_code")
