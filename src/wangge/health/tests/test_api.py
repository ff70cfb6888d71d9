"""The health API: status pushes, status and history, the daily table, gap lists, reports."""

import pytest

from wangge.audit.models import AuditEntry
from wangge.core.testing import Api
from wangge.core.testing.factories import put_in
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import HealthReport, PersonStatus


def test_a_cdc_system_pushes_a_confirmation(city, cdc):
    resident = city["residents"]["A"]
    response = Api(cdc).post(f"/residents/{resident.pk}/status", {
        "to_status": "confirmed", "reason": "核酸阳性", "evidence": {"test_result": "阳性"}, "severity": "mild",
    })
    assert response.status_code == 200
    assert response.json()["to_status"] == "confirmed"
    assert AuditEntry.objects.filter(channel="api", field="epidemic_status").exists()


def test_a_refused_transition_answers_422_in_chinese(city, cdc):
    resident = city["residents"]["A"]
    put_in(resident, S.CONFIRMED)
    response = Api(cdc).post(f"/residents/{resident.pk}/status", {"to_status": "fever", "reason": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "transition_not_allowed"
    assert "不能从" in response.json()["message"]


def test_a_volunteer_pushing_a_confirmation_is_403(city, volunteer):
    response = Api(volunteer).post(f"/residents/{city['residents']['A'].pk}/status", {
        "to_status": "confirmed", "reason": "x", "evidence": {"a": "b"}, "severity": "mild"})
    assert response.status_code == 403


def test_status_and_history_are_returned_and_the_read_is_audited(city, cdc):
    resident = city["residents"]["A"]
    put_in(resident, S.FEVER)
    body = Api(cdc).get(f"/health/status/{resident.pk}").json()
    assert (body["status"], body["status_name"]) == ("fever", "发热待排查")
    assert [t["to_status"] for t in body["history"]] == ["fever"]
    assert AuditEntry.objects.filter(action="view", channel="api", object_id=str(resident.pk)).exists()


def test_the_status_of_someone_never_in_the_loop_is_none(city, cdc):
    body = Api(cdc).get(f"/health/status/{city['residents']['A'].pk}").json()
    assert (body["status"], body["history"]) == ("none", [])


def test_the_four_category_table_as_json(city, street_officer):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    body = Api(street_officer).get("/health/four-categories", within="420106001001").json()
    assert [r["code"] for r in body["rows"]] == ["420106001001001", "420106001001002"]
    assert body["total"]["categories"]["close_contact"] == {"current": 1, "new": 1, "cumulative": 1}


def test_a_gap_list_as_json_with_masked_phones(city, street_officer):
    put_in(city["residents"]["A"], S.CONFIRMED)
    body = Api(street_officer).get("/health/gaps/unadmitted").json()
    assert body["count"] == 1
    assert body["items"][0]["name"] == "张伟"
    assert body["items"][0]["phone_masked"] == "138****8000"


def test_an_unknown_gap_kind_is_404(city, street_officer):
    assert Api(street_officer).get("/health/gaps/whatever").status_code == 404


def test_a_monitoring_report_is_recorded_and_a_fever_moves_the_person(city, grid_worker):
    resident = city["residents"]["A"]
    response = Api(grid_worker).post("/health/reports", {
        "resident_id": resident.pk, "slot": "am", "temperature": "38.2", "symptoms": ["干咳"], "source": "self"})
    assert response.status_code == 200
    assert response.json()["is_fever"] is True
    assert response.json()["status"] == "fever"
    assert HealthReport.objects.get().source == "self"


def test_a_report_with_a_bad_temperature_is_422(city, grid_worker):
    response = Api(grid_worker).post("/health/reports", {
        "resident_id": city["residents"]["A"].pk, "slot": "am", "temperature": "45"})
    assert response.status_code == 422
    assert "体温" in response.json()["errors"]["temperature"]


@pytest.mark.parametrize("call", [
    lambda api, r: api.post(f"/residents/{r.pk}/status", {"to_status": "fever", "reason": "x"}),
    lambda api, r: api.get(f"/health/status/{r.pk}"),
    lambda api, r: api.post("/health/reports", {"resident_id": r.pk, "slot": "am", "temperature": "36.5"}),
    lambda api, r: api.get("/health/four-categories", within="420106001"),
    lambda api, r: api.get("/health/gaps/unadmitted", within="420106001"),
])
def test_everything_out_of_scope_is_404(city, outsider, call):
    response = call(Api(outsider), city["residents"]["A"])
    assert response.status_code == 404
    assert not PersonStatus.objects.exists()
    assert not HealthReport.objects.exists()


def test_the_gap_list_of_a_user_holds_only_their_reach(city, outsider):
    put_in(city["residents"]["A"], S.CONFIRMED)
    put_in(city["residents"]["C"], S.CONFIRMED)
    body = Api(outsider).get("/health/gaps/unadmitted").json()
    assert [i["name"] for i in body["items"]] == ["刘洋"]
