"""The gates API: one round trip, the offline data (nothing more than a gate needs), scoping and
what a guard's account can and cannot read."""

import datetime as dt
import uuid

from django.utils import timezone

from wangge.accounts.models import Role
from wangge.codes.services import issue_token
from wangge.core.testing import GRID_A, GRID_C, STREET_1, STREET_2, Api, factories, login
from wangge.gates.models import Checkpoint, ControlLevel, GateScan


def test_one_round_trip_gives_the_decision_and_records_the_scan(city, gate, guard):
    a = city["residents"]["A"]
    body = {"checkpoint_id": gate.pk, "direction": "in", "token": issue_token(a).token, "temperature": "36.4",
            "mask": True, "uuid": str(uuid.uuid4())}
    response = Api(guard).post("/gates/scan", body)
    assert response.status_code == 200
    data = response.json()
    assert (data["decision"], data["reason"], data["colour"], data["name"]) == ("pass", "ok", "g", "张*")
    assert GateScan.objects.filter(uuid=body["uuid"], temperature=364, mask=True).exists()
    again = Api(guard).post("/gates/scan", body).json()
    assert (again["decision"], again["recorded"]) == ("pass", False)


def test_a_refusal_is_a_decision_with_its_reason_not_an_error(city, gate, guard):
    body = {"checkpoint_id": gate.pk, "direction": "in", "token": "WG1.e30.AAAA", "temperature": "36.5",
            "mask": True}
    data = Api(guard).post("/gates/scan", body).json()
    assert (data["decision"], data["reason"]) == ("refuse", "code_malformed")


def test_a_bad_temperature_is_refused_with_its_code(city, gate, guard):
    body = {"checkpoint_id": gate.pk, "direction": "in", "id_number": "x" * 18, "temperature": "365.5",
            "mask": True}
    response = Api(guard).post("/gates/scan", body)
    assert response.status_code == 422


def test_the_offline_data_holds_references_masked_names_and_no_id_numbers(city, gate, guard):
    a = city["residents"]["A"]
    issue_token(a)
    factories.make_gate_pass(city["residents"]["C"], gate)
    factories.make_health_code(city["residents"]["C"])
    response = Api(guard).get(f"/gates/checkpoints/{gate.pk}/offline")
    assert response.status_code == 200
    data = response.json()
    text = response.content.decode()
    assert a.id_number not in text and a.name not in text and (a.phone or "none") not in text
    (row,) = data["residents"]
    assert row[2] == "张*" and row[4] == "g"
    assert len(data["passes"]) == 1
    assert "colour_red" in data["reasons"]


def test_a_guard_outside_their_gate_gets_404(city, guard):
    other = factories.make_checkpoint(GRID_C)
    assert Api(guard).get(f"/gates/checkpoints/{other.pk}/offline").status_code == 404
    body = {"checkpoint_id": other.pk, "direction": "in", "id_number": "x" * 18, "temperature": "36.5",
            "mask": True}
    assert Api(guard).post("/gates/scan", body).status_code == 404


def test_a_guard_without_reach_reads_no_resident_lists(city, gate, guard):
    assert Api(guard).get("/residents").json()["items"] == []
    assert Api(guard).get("/gates/checkpoints").json()["items"] == []
    mine = Api(guard).get("/gates/duty").json()["items"]
    assert [g["id"] for g in mine] == [gate.pk]
    page = login(guard).get("/people/")
    assert city["residents"]["A"].name not in page.content.decode()


def test_a_guard_opens_the_gate_page_of_their_shift_only(city, gate, guard):
    client = login(guard)
    assert client.get(f"/gates/{gate.pk}/").status_code == 200
    other = factories.make_checkpoint(GRID_C)
    assert client.get(f"/gates/{other.pk}/").status_code == 404
    assert gate.name in client.get("/gates/").content.decode()


def test_a_role_that_does_not_guard_gates_is_refused(city, gate, cdc):
    body = {"checkpoint_id": gate.pk, "direction": "in", "id_number": "x" * 18, "temperature": "36.5",
            "mask": True}
    assert Api(cdc).post("/gates/scan", body).status_code == 403


def test_a_community_worker_sets_up_a_gate_its_roster_and_the_level_of_its_compound(city, community_worker):
    api = Api(community_worker)
    created = api.post("/gates/checkpoints", {"grid_code": GRID_A, "name": "南门"})
    assert created.status_code == 201
    gate_id = created.json()["id"]
    second = api.post("/gates/checkpoints", {"grid_code": GRID_A, "name": "北门"}).json()["id"]
    neighbour = factories.make_user("neighbour_on_duty", Role.RESIDENT, [])
    now = timezone.now()
    duty = api.post(f"/gates/checkpoints/{gate_id}/duties", {
        "username": neighbour.username, "kind": "resident", "starts_at": now.isoformat(),
        "ends_at": (now + dt.timedelta(hours=4)).isoformat()})
    assert duty.status_code == 201
    assert api.post(f"/gates/checkpoints/{gate_id}/level", {"level": "closed", "outing_days": 3}).json() == {"gates": 2}
    assert Checkpoint.objects.get(pk=second).level == ControlLevel.CLOSED
    assert Api(neighbour).get("/gates/duty").json()["items"][0]["id"] == gate_id


def test_a_duty_for_an_account_that_cannot_guard_is_refused(city, community_worker, gate, auditor):
    now = timezone.now()
    response = Api(community_worker).post(f"/gates/checkpoints/{gate.pk}/duties", {
        "username": auditor.username, "kind": "volunteer", "starts_at": now.isoformat(),
        "ends_at": (now + dt.timedelta(hours=4)).isoformat()})
    assert response.status_code == 422 and response.json()["code"] == "guard_unknown"


def test_a_pass_is_issued_and_lets_its_holder_in(city, gate, guard, grid_worker):
    c = city["residents"]["C"]
    street_officer_reach = factories.make_user("street_all", Role.COMMAND, [STREET_1, STREET_2])
    response = Api(street_officer_reach).post(f"/gates/checkpoints/{gate.pk}/passes", {
        "resident_id": c.pk, "kind": "essential", "valid_until": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "daily_quota": 2})
    assert response.status_code == 201, response.json()
    body = {"checkpoint_id": gate.pk, "direction": "in", "token": issue_token(c).token, "temperature": "36.5",
            "mask": True}
    data = Api(guard).post("/gates/scan", body).json()
    assert (data["decision"], data["pass_kind"], data["door"]) == ("pass", "essential", "")


def test_visitors_are_registered_when_the_level_receives_them(city, gate, guard):
    body = {"checkpoint_id": gate.pk, "name": "王访客", "phone": "13900001111", "visiting": "1号楼101",
            "purpose": "送药", "temperature": "36.5", "mask": True}
    assert Api(guard).post("/gates/visitors", body).json()["decision"] == "pass"
    Checkpoint.objects.filter(pk=gate.pk).update(level=ControlLevel.CLOSED)
    data = Api(guard).post("/gates/visitors", body).json()
    assert (data["decision"], data["reason"]) == ("refuse", "visitors_closed")


def test_a_shift_ended_early_stops_the_guard_even_with_the_access_remembered(city, gate, guard, settings,
                                                                            community_worker):
    from wangge.audit.context import Actor
    from wangge.gates import services
    from wangge.gates.models import GateDuty

    settings.WANGGE_GATE_ACCESS_SECONDS = 30.0
    body = {"checkpoint_id": gate.pk, "direction": "in", "token": issue_token(city["residents"]["A"]).token,
            "temperature": "36.5", "mask": True}
    assert Api(guard).post("/gates/scan", body).status_code == 200
    duty = GateDuty.objects.get(user=guard)
    GateDuty.objects.filter(pk=duty.pk).update(starts_at=timezone.now() - dt.timedelta(hours=5))
    services.duty_end(actor=Actor(user=community_worker), duty_id=duty.pk)  # forgets what was remembered
    GateDuty.objects.filter(pk=duty.pk).update(ends_at=timezone.now() - dt.timedelta(hours=1))
    assert Api(guard).post("/gates/scan", body).status_code == 404


def test_staff_in_reach_page_through_a_gates_entries_and_exits_newest_first(city, gate, grid_worker):
    a = city["residents"]["A"]
    now = timezone.now()
    for minutes in (30, 20, 10):
        factories.make_gate_scan(gate, a, at=now - dt.timedelta(minutes=minutes), temperature=365)
    first = Api(grid_worker).get(f"/gates/checkpoints/{gate.pk}/scans", limit=2).json()
    assert [i["at"] for i in first["items"]] == sorted([i["at"] for i in first["items"]], reverse=True)
    assert first["items"][0]["temperature"] == 36.5 and first["next_cursor"]
    rest = Api(grid_worker).get(f"/gates/checkpoints/{gate.pk}/scans", cursor=first["next_cursor"]).json()
    assert len(rest["items"]) == 1


def test_a_guard_without_reach_cannot_read_the_gates_log(city, gate, guard):
    assert Api(guard).get(f"/gates/checkpoints/{gate.pk}/scans").status_code == 404


def test_a_resident_on_duty_gets_the_revocations_of_the_people_the_gate_knows(city, gate):
    from wangge.codes.services import recolour
    from wangge.core.testing.factories import put_in

    neighbour = factories.make_user("turn_guard_rev", Role.RESIDENT, [])
    factories.make_gate_duty(gate, neighbour, kind="resident")
    a, c = city["residents"]["A"], city["residents"]["C"]
    issue_token(a), issue_token(c)
    put_in(a, "fever"), put_in(c, "fever")
    recolour([a.pk, c.pk], reason="test")
    assert Api(neighbour).get("/gates/revocations").status_code == 403  # not the city's list
    data = Api(neighbour).get(f"/gates/checkpoints/{gate.pk}/offline").json()
    assert [(r[1]) for r in data["revocations"]] == ["y"]  # A's; C lives elsewhere and holds no pass
