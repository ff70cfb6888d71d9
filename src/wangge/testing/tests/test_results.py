"""Lab results: by file with every bad row reported, by API; the positive pool in one transaction;
a positive single tube into the four-category loop; a negative retest lifting the control."""

import datetime as dt

import pytest
from django.utils import timezone

from wangge.alerts.models import Alert
from wangge.codes.selectors import current_colour
from wangge.core.testing import GRID_A, Api
from wangge.core.testing.factories import make_quarantine_order, make_sample, make_tube
from wangge.health.models import PersonStatus, StatusTransition
from wangge.testing import services
from wangge.testing.models import Control, SamplingTask, Tube


@pytest.fixture
def pool(city, point):
    tube = make_tube(point, barcode="POOL0001", status="closed")
    for key in ("A", "A2"):
        make_sample(tube, city["residents"][key])
    return tube


def test_negative_results_are_recorded_by_api(pool, cdc):
    response = Api(cdc).post("/testing/results", {"lab": "金域", "rows": [{"barcode": "POOL0001", "result": "阴性"}]})
    assert response.status_code == 200, response.json()
    assert response.json()["recorded"] == 1
    tube = Tube.objects.get(pk=pool.pk)
    assert (tube.result, tube.status, tube.lab) == ("negative", "resulted", "金域")


def test_the_same_result_sent_again_changes_nothing(pool, cdc):
    rows = {"lab": "金域", "rows": [{"barcode": "POOL0001", "result": "negative"}]}
    Api(cdc).post("/testing/results", rows)
    again = Api(cdc).post("/testing/results", rows).json()
    assert (again["recorded"], again["unchanged"], again["errors"]) == (0, 1, [])


def test_every_bad_row_is_reported_with_its_code(pool, cdc):
    rows = [{"barcode": "POOL0001", "result": "阴性"}, {"barcode": "x", "result": "阴性"},
            {"barcode": "NOSUCH01", "result": "阴性"}, {"barcode": "POOL0001", "result": "阳性"},
            {"barcode": "OTHER001", "result": "maybe"}]
    report = Api(cdc).post("/testing/results", {"lab": "L", "rows": rows}).json()
    assert [(e["row"], e["code"]) for e in report["errors"]] == [
        (2, "barcode_invalid"), (4, "barcode_repeated"), (5, "result_invalid"), (3, "not_found")]
    assert report["recorded"] == 1


def test_a_result_import_from_csv_reports_every_bad_row(pool, cdc, actor, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text("条码,结果,接收时间,出结果时间\nPOOL0001,阴性,2022-04-01 08:00,2022-04-01 12:00\n"
                    "NOSUCH01,阴性,,\nBAD,阴性,,\nPOOL0002,阴性,yesterday,\n", encoding="utf-8")
    report = services.results_import(actor=actor(cdc), lab="L", path=path)
    assert [(e["row"], e["code"]) for e in report.errors] == [(3, "not_found"), (4, "barcode_invalid"),
                                                              (5, "time_invalid")]
    assert report.recorded == 1


def test_a_file_missing_a_column_is_one_error(pool, cdc, actor, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text("条码\nPOOL0001\n", encoding="utf-8")
    report = services.results_import(actor=actor(cdc), lab="L", path=path)
    assert [e["code"] for e in report.errors] == ["import_missing_columns"]


def test_a_positive_pool_puts_its_members_under_control_with_retests_and_alerts(city, pool, cdc):
    a, a2 = city["residents"]["A"], city["residents"]["A2"]
    today = timezone.localdate()
    make_quarantine_order(a2, start=today, planned_release=today + dt.timedelta(days=7))
    report = Api(cdc).post("/testing/results", {"lab": "L", "rows": [{"barcode": "POOL0001", "result": "阳性"}]}).json()
    assert report["positive_pools"] == [pool.pk]
    assert set(Control.objects.filter(ended_at__isnull=True).values_list("resident_id", flat=True)) == {a.pk, a2.pk}
    tasks = {t.resident_id: t.at_door for t in SamplingTask.objects.filter(tube=pool, kind="retest")}
    assert tasks == {a.pk: False, a2.pk: True}
    alert = Alert.objects.get(object_type="testing.tube", object_id=str(pool.pk))
    assert (alert.role, alert.grid_code, alert.kind) == ("grid_worker", GRID_A, "positive_test")
    assert alert.link.endswith(f"/testing/tubes/{pool.pk}/recall/")
    colour, reasons = current_colour(a)
    assert colour == "y" and "positive_pool" in [r.code for r in reasons]


def test_a_positive_pool_turns_a_shown_code_yellow_in_the_revocation_list(city, pool, cdc):
    from wangge.codes.models import Revocation
    from wangge.codes.services import issue_token

    issued = issue_token(city["residents"]["A"])
    Api(cdc).post("/testing/results", {"lab": "L", "rows": [{"barcode": "POOL0001", "result": "阳性"}]})
    assert Revocation.objects.filter(ref=issued.ref, colour="y").exists()


def test_the_positive_pool_is_one_transaction(city, pool, cdc, actor, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("alerts down")

    monkeypatch.setattr(services, "alert_raise", broken)
    with pytest.raises(RuntimeError):
        services.results_record(actor=actor(cdc), lab="L", rows=[{"barcode": "POOL0001", "result": "阳性"}])
    assert not Control.objects.exists() and not SamplingTask.objects.exists()
    assert Tube.objects.get(pk=pool.pk).result == "pending"


def test_a_negative_single_retest_lifts_the_control(city, pool, point, cdc, actor):
    a = city["residents"]["A"]
    services.results_record(actor=actor(cdc), lab="L", rows=[{"barcode": "POOL0001", "result": "阳性"}])
    retest = make_tube(point, capacity=1, barcode="SINGLE01", status="closed")
    make_sample(retest, a)
    services.results_record(actor=actor(cdc), lab="L", rows=[{"barcode": "SINGLE01", "result": "阴性"}])
    assert not Control.objects.filter(resident=a, ended_at__isnull=True).exists()
    assert Control.objects.filter(resident=city["residents"]["A2"], ended_at__isnull=True).exists()
    assert current_colour(a)[0] == "g"


def test_a_positive_single_tube_enters_the_four_category_loop(city, point, cdc, actor):
    a = city["residents"]["A"]
    tube = make_tube(point, capacity=1, barcode="SINGLE02", status="closed")
    make_sample(tube, a)
    report = services.results_record(actor=actor(cdc), lab="金域", rows=[{"barcode": "SINGLE02", "result": "阳性"}])
    assert report.positive_singles == [tube.pk]
    assert PersonStatus.objects.get(resident=a).status == "suspected"
    transition = StatusTransition.objects.get(resident=a)
    assert transition.by == cdc and "SINGLE02" in transition.evidence["test_result"]


def test_a_grid_worker_may_not_record_results(pool, grid_worker):
    response = Api(grid_worker).post("/testing/results", {"rows": [{"barcode": "POOL0001", "result": "阴性"}]})
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_a_tube_outside_the_reach_is_a_not_found_row(pool, city):
    from wangge.accounts.models import Role
    from wangge.core.testing import STREET_2
    from wangge.core.testing.factories import make_user

    lab_elsewhere = make_user("cdc_2", Role.CDC, [STREET_2])
    report = Api(lab_elsewhere).post("/testing/results", {"rows": [{"barcode": "POOL0001", "result": "阳性"}]}).json()
    assert [e["code"] for e in report["errors"]] == ["not_found"]
    assert not Control.objects.exists()
