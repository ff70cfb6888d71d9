"""Transfer pages: the board, the list (late first), the form with patient search, the detail steps."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wangge.audit.models import AuditEntry
from wangge.core.testing import login
from wangge.core.testing.factories import make_vehicle
from wangge.transfer import services
from wangge.transfer.models import TransferOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(city, street_officer, actor, fangcang, plan):
    return services.transfer_create(actor=actor(street_officer), resident_ids=[city["residents"]["A"].pk],
                                    destination_id=fangcang.pk, **plan())


def test_the_facility_board_shows_each_tier_with_occupancy(city, street_officer, fangcang, isolation_site):
    response = login(street_officer).get(reverse("transfer:facilities"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "洪山体育馆方舱" in text and "某酒店隔离点" in text
    assert "<progress" in text


def test_the_list_shows_en_route_first_and_marks_late_ones(city, street_officer, actor, fangcang, plan, planned):
    fangcang.capacity = 10
    fangcang.save()
    past = timezone.now() - dt.timedelta(hours=3)
    late = services.transfer_create(
        actor=actor(street_officer), resident_ids=[city["residents"]["B"].pk], destination_id=fangcang.pk,
        **plan(planned_departure=past, planned_arrival=past + dt.timedelta(hours=1)),
    )
    services.transfer_acknowledge(actor=actor(street_officer), transfer_id=late.pk, name="李护士长")
    services.transfer_depart(actor=actor(street_officer), transfer_id=late.pk)
    response = login(street_officer).get(reverse("transfer:list"))
    transfers = response.context["transfers"]
    assert [t.pk for t in transfers] == [late.pk, planned.pk]
    assert transfers[0].late and not transfers[1].late
    assert "late-row" in response.content.decode()


def test_an_outsider_sees_no_transfer_and_its_detail_is_404(city, outsider, planned):
    client = login(outsider)
    assert list(client.get(reverse("transfer:list")).context["transfers"]) == []
    assert client.get(reverse("transfer:detail", args=[planned.pk])).status_code == 404
    assert client.post(reverse("transfer:depart", args=[planned.pk])).status_code == 404


def test_the_detail_shows_the_timeline_and_the_next_step_only(city, street_officer, planned):
    response = login(street_officer).get(reverse("transfer:detail", args=[planned.pk]))
    assert response.status_code == 200
    # Not yet acknowledged by the receiving side: acknowledging is the next step, departing waits.
    assert response.context["can_acknowledge"] and not response.context["can_depart"]
    assert not response.context["can_arrive"]
    assert [s.label for s in response.context["timeline"]] == ["登记", "接收方确认", "出发", "到达", "交接"]
    assert AuditEntry.objects.filter(action="view", object_id=str(planned.pk)).exists()


def test_the_step_buttons_move_the_transfer_along(city, street_officer, planned):
    client = login(street_officer)
    client.post(reverse("transfer:acknowledge", args=[planned.pk]), {"name": "李护士长"})
    client.post(reverse("transfer:depart", args=[planned.pk]))
    client.post(reverse("transfer:arrive", args=[planned.pk]))
    client.post(reverse("transfer:handover", args=[planned.pk]), {"received_by": "李护士长"})
    planned.refresh_from_db()
    assert planned.status == TransferOrder.Status.HANDED_OVER


def test_a_step_out_of_order_shows_a_message_and_changes_nothing(city, street_officer, planned):
    response = login(street_officer).post(reverse("transfer:arrive", args=[planned.pk]), follow=True)
    assert "不能标记为" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == TransferOrder.Status.PLANNED


def test_patient_search_finds_residents_in_reach_by_id_tail(city, street_officer):
    resident = city["residents"]["A"]
    response = login(street_officer).get(reverse("people:person_search"), {"q": resident.id_tail})
    assert resident.name in response.content.decode()
    other = city["residents"]["C"]
    response = login(street_officer).get(reverse("people:person_search"), {"q": other.name})
    assert other.name not in response.content.decode()


def test_the_form_creates_a_transfer_for_several_patients(city, street_officer, fangcang):
    start = timezone.localtime() + dt.timedelta(hours=1)
    ambulance = make_vehicle(seats=4)
    response = login(street_officer).post(reverse("transfer:new"), {
        "resident_ids": [city["residents"]["A"].pk, city["residents"]["B"].pk], "origin": "社区门口",
        "destination": fangcang.pk, "vehicle_1": ambulance.pk, "driver_1": "张师傅",
        "escorts_1": "王医生 13900000000",
        "planned_departure": start.strftime("%Y-%m-%dT%H:%M"),
        "planned_arrival": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    })
    assert response.status_code == 302
    transfer = TransferOrder.objects.get()
    assert transfer.patients.count() == 2
    [cv] = transfer.vehicles.all()
    assert (cv.vehicle, cv.driver, [(e.name, e.phone) for e in cv.escorts.all()]) == (
        ambulance, "张师傅", [("王医生", "13900000000")])


def test_the_form_shows_the_capacity_refusal(city, street_officer, fangcang):
    fangcang.capacity = 1
    fangcang.save()
    start = timezone.localtime() + dt.timedelta(hours=1)
    response = login(street_officer).post(reverse("transfer:new"), {
        "resident_ids": [city["residents"]["A"].pk, city["residents"]["B"].pk], "origin": "社区门口",
        "destination": fangcang.pk, "vehicle_1": make_vehicle(seats=4).pk, "escorts_1": "王医生",
        "planned_departure": start.strftime("%Y-%m-%dT%H:%M"),
        "planned_arrival": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    })
    assert response.status_code == 200
    assert "剩余床位" in response.content.decode()
    assert not TransferOrder.objects.exists()


def test_a_grid_worker_cannot_open_the_create_form(city, grid_worker):
    assert login(grid_worker).get(reverse("transfer:new")).status_code == 403


def test_the_export_is_an_audited_xlsx(city, street_officer, planned):
    response = login(street_officer).get(reverse("transfer:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    b"".join(response.streaming_content)  # the entry is written as the download completes
    assert AuditEntry.objects.filter(action="export", object_type="transfer.transferorder").exists()
