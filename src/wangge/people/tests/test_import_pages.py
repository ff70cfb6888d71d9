"""Import pages: upload, progress polling, the error report, templates, and scoping of jobs."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wangge.core.testing import login
from wangge.core.testing.factories import valid_id_number
from wangge.people.models import ImportJob, Resident
from wangge.people.tests.import_helpers import RESIDENT_HEADERS, csv_bytes, resident_row, run_job, write_csv


def upload(client, content: bytes, *, name="居民.csv", kind="residents", mode="valid_only"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("people:import_new"), {"kind": kind, "mode": mode, "file": file})


def test_the_upload_page_offers_kind_mode_and_templates(city, grid_worker):
    page = login(grid_worker).get(reverse("people:import_new")).content.decode()
    assert 'name="kind"' in page and 'name="mode"' in page and 'type="file"' in page
    assert reverse("people:import_template", args=["residents"]) in page


def test_an_upload_runs_and_the_job_page_shows_the_result(city, grid_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    household = city["households"]["A"][0]
    content = csv_bytes([resident_row(household, valid_id_number(), name="上官婉儿"),
                         resident_row(household, "123")])
    client = login(grid_worker)
    response = upload(client, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:import_detail", args=[job.pk])
    assert job.created_by == grid_worker and job.grid_code == "420106001001001"
    assert job.file_path.startswith(str(tmp_path / "imports"))
    assert Resident.objects.filter(name="上官婉儿").exists()
    page = client.get(response.url).content.decode()
    assert "<progress" in page
    assert "已导入" in page and "错误明细" in page
    assert "<td>3</td><td>证件号码</td>" in page


def test_the_progress_fragment_polls_until_the_job_is_done(city, grid_worker, tmp_path):
    job = ImportJob.objects.create(kind="residents", file_name="x.csv", file_path=str(tmp_path / "x.csv"),
                                   grid_code="420106001001001", created_by=grid_worker,
                                   status=ImportJob.Status.RUNNING, total_rows=10_000, processed_rows=5000)
    client = login(grid_worker)
    url = reverse("people:import_progress", args=[job.pk])
    running = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="{url}"' in running and 'hx-trigger="every 1s"' in running
    assert 'value="50"' in running
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SUCCEEDED, processed_rows=10_000)
    finished = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in finished and 'value="100"' in finished


def test_a_role_that_cannot_import_gets_403(city, volunteer):
    assert login(volunteer).get(reverse("people:import_new")).status_code == 403


def test_another_streets_job_is_404(city, grid_worker, outsider, tmp_path):
    household = city["households"]["A"][0]
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(household, valid_id_number())]))
    client = login(outsider)
    assert client.get(reverse("people:import_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("people:import_progress", args=[job.pk])).status_code == 404
    assert "r.csv" not in client.get(reverse("people:import_list")).content.decode()


def test_the_street_officer_sees_the_grid_workers_job_but_not_the_reverse(city, grid_worker, street_officer, tmp_path):
    household = city["households"]["A"][0]
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(household, valid_id_number())], name="gw.csv"))
    officers, _ = run_job(street_officer, write_csv(tmp_path, [resident_row(household, valid_id_number())],
                                                    name="street.csv"))
    assert login(street_officer).get(reverse("people:import_detail", args=[job.pk])).status_code == 200
    page = login(grid_worker).get(reverse("people:import_list")).content.decode()
    assert "gw.csv" in page and "street.csv" not in page


def test_a_file_of_another_type_is_refused_on_the_form(city, grid_worker):
    response = upload(login(grid_worker), b"%PDF-1.4", name="居民.pdf")
    assert response.status_code == 200
    assert "只支持 .xlsx 或 .csv 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(("kind", "first", "last"), [("residents", "户编码", "备注"),
                                                      ("buildings", "网格代码", "每单元户数")])
def test_the_template_has_the_chinese_headers_and_an_example_row(city, grid_worker, kind, first, last):
    response = login(grid_worker).get(reverse("people:import_template", args=[kind]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == first and headers[-1] == last
    assert sheet.cell(row=2, column=1).value


def test_the_residents_template_lists_every_column(city, grid_worker):
    response = login(grid_worker).get(reverse("people:import_template", args=["residents"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == RESIDENT_HEADERS


def test_an_unknown_template_kind_is_404(city, grid_worker):
    assert login(grid_worker).get(reverse("people:import_template", args=["pets"])).status_code == 404
