"""The health pages: person, board, daily table, gap lists, monitoring; scoped, audited, exported."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wangge.audit.models import AuditEntry
from wangge.core.testing import login
from wangge.core.testing.factories import put_in
from wangge.health.models import EpidemicStatus as S
from wangge.health.models import HealthReport, PersonStatus


def test_the_person_page_shows_status_history_and_is_audited(city, cdc):
    resident = city["residents"]["A"]
    put_in(resident, S.FEVER)
    response = login(cdc).get(reverse("health:person", args=[resident.pk]))
    assert response.status_code == 200
    assert "发热待排查" in response.content.decode()
    assert AuditEntry.objects.filter(action="view", object_id=str(resident.pk)).exists()


def test_the_person_form_offers_only_allowed_targets_for_the_role(city, volunteer):
    resident = city["residents"]["A"]
    page = login(volunteer).get(reverse("health:person", args=[resident.pk])).content.decode()
    assert 'value="fever"' in page
    assert 'value="confirmed"' not in page


def test_posting_the_person_form_changes_the_status(city, cdc):
    resident = city["residents"]["A"]
    response = login(cdc).post(reverse("health:person", args=[resident.pk]), {
        "to_status": "confirmed", "severity": "mild", "reason": "核酸阳性", "test_result": "阳性 Ct 28",
    })
    assert response.status_code == 302
    row = PersonStatus.objects.get(resident=resident)
    assert (row.status, row.severity) == ("confirmed", "mild")
    assert resident.status_transitions.get().evidence == {"test_result": "阳性 Ct 28"}


def test_a_refused_change_shows_the_chinese_message(city, cdc):
    resident = city["residents"]["A"]
    response = login(cdc).post(reverse("health:person", args=[resident.pk]),
                                    {"to_status": "confirmed", "severity": "mild", "reason": "x"}, follow=True)
    assert "需要提供依据" in response.content.decode()
    assert not PersonStatus.objects.exists()


@pytest.mark.parametrize("name", ["health:person", "health:doctor_visit", "health:monitoring_report"])
def test_a_person_out_of_reach_is_404(city, outsider, name):
    c = login(outsider)
    url = reverse(name, args=[city["residents"]["A"].pk])
    response = c.get(url) if name == "health:person" else c.post(url, {"slot": "am", "temperature": "36.5"})
    assert response.status_code == 404


def test_the_board_shows_counts_gaps_and_epidemic_free_share(city, street_officer):
    put_in(city["residents"]["A"], S.CONFIRMED)
    page = login(street_officer).get(reverse("health:board"), {"within": "420106001001"}).content.decode()
    assert "确诊未收治" in page
    assert "无疫情小区 1 个，占 50.0%" in page
    assert "health-chart-data" in page


@pytest.mark.parametrize("name", ["health:board", "health:daily", "health:gaps", "health:monitoring"])
def test_an_area_out_of_reach_is_404(city, outsider, name):
    assert login(outsider).get(reverse(name), {"within": "420106001"}).status_code == 404


def test_the_daily_table_page_and_its_export(city, street_officer):
    put_in(city["residents"]["A"], S.FEVER)
    c = login(street_officer)
    page = c.get(reverse("health:daily"), {"within": "420106001"}).content.decode()
    assert "daily-table" in page
    response = c.get(reverse("health:daily_export"), {"within": "420106001"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    # Title, meta, then the two header rows: the category over its 现有 / 当日新增 / 累计.
    assert rows[2][:3] == ("区域代码", "区域", "确诊病例")
    fever_current = rows[2].index("发热待排查")
    assert rows[3][fever_current] == "现有"
    totals = next(row for row in rows if row[0] == "合计")
    assert totals[fever_current] == 1
    assert AuditEntry.objects.filter(action="export", object_type="health.four_category_table").exists()


def test_the_gap_list_page_and_its_masked_audited_export(city, street_officer):
    resident = city["residents"]["A"]
    put_in(resident, S.FEVER)
    c = login(street_officer)
    page = c.get(reverse("health:gaps"), {"kind": "fevers_unseen"}).content.decode()
    assert "张伟" in page and reverse("health:doctor_visit", args=[resident.pk]) in page
    response = c.get(reverse("health:gaps_export"), {"kind": "fevers_unseen"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][2] == "张伟"
    assert rows[1][4] == resident.id_number_masked
    assert AuditEntry.objects.get(action="export", object_type="health.gap_list").changes["rows"] == 1


def test_an_unknown_gap_kind_is_404(city, street_officer):
    assert login(street_officer).get(reverse("health:gaps"), {"kind": "nope"}).status_code == 404


def test_the_doctor_visit_button_records_the_visit(city, grid_worker):
    resident = city["residents"]["A"]
    put_in(resident, S.FEVER)
    response = login(grid_worker).post(reverse("health:doctor_visit", args=[resident.pk]))
    assert response.status_code == 302
    assert PersonStatus.objects.get(resident=resident).seen_by_doctor_at is not None


def test_the_monitoring_page_lists_people_with_a_decimal_keypad(city, grid_worker):
    put_in(city["residents"]["A"], S.CLOSE_CONTACT)
    put_in(city["residents"]["B"], S.CLOSE_CONTACT)
    page = login(grid_worker).get(reverse("health:monitoring")).content.decode()
    assert "张伟" in page and "王芳" not in page
    assert 'inputmode="decimal"' in page


def test_an_htmx_report_returns_the_updated_row(city, grid_worker):
    resident = city["residents"]["A"]
    put_in(resident, S.CLOSE_CONTACT)
    response = login(grid_worker).post(
        reverse("health:monitoring_report", args=[resident.pk]), {"slot": "pm", "temperature": "36.7"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "36.7℃" in response.content.decode()
    assert HealthReport.objects.get().slot == "pm"


def test_an_htmx_report_with_a_bad_temperature_shows_the_error_in_the_row(city, grid_worker):
    resident = city["residents"]["A"]
    response = login(grid_worker).post(
        reverse("health:monitoring_report", args=[resident.pk]), {"slot": "am", "temperature": "50"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "34.0 至 43.0" in response.content.decode()


def test_a_superuser_board_starts_at_the_top(city, django_user_model):
    admin = django_user_model.objects.create_superuser("root_h", password="x")
    put_in(city["residents"]["C"], S.FEVER)
    c = login(admin)
    response = c.get(reverse("health:board"))
    assert response.status_code == 200
    assert c.get(reverse("health:daily")).status_code == 200
