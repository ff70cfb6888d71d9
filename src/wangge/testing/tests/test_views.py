"""The 全员核酸 pages: a round started from its form, its figures, the sampling page, the untested list
with exemptions, a lab's file, the recall list."""

from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.core.testing import GRID_A, login
from wangge.core.testing.factories import make_sample, make_tube
from wangge.testing.models import Exemption, Round, SamplingPoint


def test_a_round_is_started_from_its_form(city, community_worker):
    response = login(community_worker).post("/testing/new/", {
        "name": "一号社区全员核酸", "area_code": "420106001001", "starts_on": "2022-04-01", "repeat": "every_n",
        "every_days": 3, "control_level": "controlled", "pool_size": ""})
    rnd = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/testing/{rnd.pk}/"
    assert (rnd.grid_code, rnd.repeat, rnd.every_days) == ("420106001001", "every_n", 3)
    assert rnd.control_level == "controlled"


def test_a_round_outside_the_reach_is_refused_on_the_form(city, outsider):
    response = login(outsider).post("/testing/new/", {
        "name": "越界", "area_code": "420106001001", "starts_on": "2022-04-01", "repeat": "once",
        "control_level": "normal"})
    assert response.status_code == 200 and not Round.objects.exists()


def test_the_round_page_shows_plan_coverage_and_saving(city, rnd, point, cdc):
    make_sample(make_tube(point), city["residents"]["A"])
    page = login(cdc).get(f"/testing/{rnd.pk}/").content.decode()
    assert "区域人口" in page and "已采 1 / 3 人" in page and "比单管少检" in page and point.name in page


def test_a_point_is_set_up_at_a_building(city, rnd, community_worker):
    building = city["grids"]["A"].buildings.first()
    response = login(community_worker).post(f"/testing/{rnd.pk}/points/new/", {
        "name": "楼下采样点", "building_id": building.pk, "samplers": 3})
    point = SamplingPoint.objects.get()
    assert response.status_code == 302 and (point.grid_code, point.lat) == (GRID_A, building.lat)


def test_the_sampling_page_registers_a_person_by_id_number(city, point, grid_worker):
    client = login(grid_worker)
    client.post(f"/testing/points/{point.pk}/scan/", {"tube": "PAGE0001"})
    page = client.post(f"/testing/points/{point.pk}/scan/",
                       {"person": city["residents"]["A"].id_number}).content.decode()
    assert "张伟 → PAGE0001（1/10）" in page


def test_the_sampling_page_registers_a_person_picked_in_the_picker(city, point, grid_worker):
    client = login(grid_worker)
    client.post(f"/testing/points/{point.pk}/scan/", {"tube": "PAGE0002"})
    page = client.post(f"/testing/points/{point.pk}/scan/",
                       {"resident_id": city["residents"]["A2"].pk}).content.decode()
    assert "李娜 → PAGE0002（1/10）" in page


def test_the_untested_page_lists_and_exempts(city, rnd, community_worker):
    client = login(community_worker)
    assert "王芳" in client.get(f"/testing/{rnd.pk}/untested/").content.decode()
    client.post(f"/testing/{rnd.pk}/exempt/", {"resident_id": city["residents"]["B"].pk, "kind": "away",
                                                "note": "外地"})
    assert Exemption.objects.get().kind == "away"
    assert "王芳" not in client.get(f"/testing/{rnd.pk}/untested/").content.decode()


def test_a_labs_file_is_imported_and_its_bad_rows_shown(city, rnd, point, cdc):
    make_tube(point, barcode="FILE0001", status="closed")
    upload = SimpleUploadedFile("results.csv", "条码,结果\nFILE0001,阴性\nNOPE0001,阴性\n".encode())
    page = login(cdc).post(f"/testing/{rnd.pk}/results/", {"lab": "金域", "file": upload}).content.decode()
    assert "已录入 1 管" in page and 'data-code="not_found"' in page


def test_the_recall_list_of_a_positive_pool(city, rnd, point, cdc, actor):
    from wangge.testing import services

    tube = make_tube(point, barcode="RECALL01", status="closed")
    make_sample(tube, city["residents"]["A"])
    services.results_record(actor=actor(cdc), lab="L", rows=[{"barcode": "RECALL01", "result": "阳性"}])
    page = login(cdc).get(f"/testing/tubes/{tube.pk}/recall/").content.decode()
    assert "张伟" in page and "单管复检" in page
