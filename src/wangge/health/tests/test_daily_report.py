"""The daily four-category table as the report sent upward (四类人员日报表): title, unit, date and
basis, two-level header, a row per child area, totals, signatures; audited like every export."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.reports import report_xlsx
from wangge.core.testing import GRID_A, GRID_B, login
from wangge.core.testing.factories import put_in
from wangge.grid.selectors import area_in_reach
from wangge.health import selectors
from wangge.health.models import EpidemicStatus as S

COMMUNITY = "420106001001"
CATEGORIES = ["确诊病例", "疑似病例", "发热待排查", "密切接触者", "次密切接触者"]


def download(user, headers=None, **query):
    response = login(user).get(reverse("health:daily_export"), {"within": COMMUNITY, **query}, **(headers or {}))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def values(sheet, row: int) -> list:
    return [c.value for c in sheet[row]]


@pytest.fixture
def cases(city):
    put_in(city["residents"]["A"], S.FEVER)
    put_in(city["residents"]["A2"], S.CLOSE_CONTACT)
    put_in(city["residents"]["B"], S.CONFIRMED)


def test_the_report_has_a_title_the_unit_the_date_and_the_basis(city, street_officer, cases):
    sheet = download(street_officer)
    community = area_in_reach(user=street_officer, code=COMMUNITY).name
    assert sheet["A1"].value == f"{community}四类人员日报表"
    meta = [v for v in values(sheet, 2) if v]
    assert meta[0] == f"填报单位：{community}"
    assert meta[1] == f"日期：{timezone.localdate():%Y-%m-%d}"
    assert meta[2].startswith("统计口径：截至导出时间 ")


def test_a_past_day_is_counted_to_its_end(city, street_officer):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    sheet = download(street_officer, date=yesterday.isoformat())
    assert [v for v in values(sheet, 2) if v][1:] == [f"日期：{yesterday:%Y-%m-%d}", "统计口径：截至当日24时"]


def test_each_category_heads_its_current_new_and_cumulative_columns(city, street_officer):
    sheet = download(street_officer)
    assert values(sheet, 3)[:3] == ["区域代码", "区域", "确诊病例"]
    assert [v for v in values(sheet, 3) if v][2:] == CATEGORIES
    assert values(sheet, 4)[2:] == ["现有", "当日新增", "累计"] * 5
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "C3:E3", "F3:H3", "O3:Q3"} <= merged
    assert sheet.freeze_panes == "C5" and sheet.print_title_rows == "$3:$4"


def test_the_rows_are_the_child_areas_then_their_totals(city, street_officer, cases):
    sheet = download(street_officer)
    header = [f"{group}{part}" for group in CATEGORIES for part in ("现有", "当日新增", "累计")]
    a, b, totals = values(sheet, 5), values(sheet, 6), values(sheet, 7)
    assert [a[0], b[0]] == [GRID_A, GRID_B]
    assert a[2 + header.index("发热待排查现有")] == 1 and a[2 + header.index("密切接触者累计")] == 1
    assert b[2 + header.index("确诊病例当日新增")] == 1
    assert totals[0] == "合计"
    assert totals[2:] == [x + y for x, y in zip(a[2:], b[2:], strict=True)]
    assert sum(totals[2:]) == 9  # three people, each current, new and cumulative once


def test_the_totals_row_equals_the_tables_own_total(city, street_officer, cases):
    area = area_in_reach(user=street_officer, code=COMMUNITY)
    table = selectors.four_category_table(user=street_officer, area=area)
    content, count = report_xlsx(selectors.four_category_report(table, user=street_officer))
    sheet = load_workbook(io.BytesIO(content)).active
    expected = [v for f in table.total.cells for v in (f.current, f.new, f.cumulative)]
    assert count == len(table.rows) == 2
    assert values(sheet, 7)[2:] == expected


def test_the_footer_names_who_filled_it_in_and_leaves_the_reviewer_blank(city, street_officer):
    street_officer.phone = "027-88886666"
    street_officer.save()
    sheet = download(street_officer)
    footer = [v for v in values(sheet, 9) if v]
    assert footer == ["填报人：街道指挥部", "审核人：", "联系电话：027-88886666"]


def test_it_is_ready_to_print_on_a4_landscape_one_page_wide(city, street_officer):
    sheet = download(street_officer)
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize), int(setup.fitToWidth)) == ("landscape", 9, 1)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_the_headers_follow_the_readers_language(city, street_officer):
    sheet = download(street_officer, headers={"HTTP_ACCEPT_LANGUAGE": "en"})
    assert values(sheet, 3)[1:3] == ["Area", "Confirmed case"]
    assert values(sheet, 4)[2:5] == ["Current", "New that day", "Cumulative"]
    assert values(sheet, 7)[0] == "Total"


def test_the_report_is_audited_with_its_area_date_and_row_count(city, street_officer, cases):
    download(street_officer)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="health.four_category_table")
    assert entry.changes["rows"] == 2
    assert entry.changes["filters"] == {"area": COMMUNITY, "date": timezone.localdate().isoformat()}
    assert entry.actor_id == street_officer.pk


def test_an_area_name_that_looks_like_a_formula_stays_text(city, street_officer):
    grid = city["grids"]["A"]
    grid.name = "=1+1"
    grid.save()
    sheet = download(street_officer)
    cell = sheet["B5"]
    assert (cell.value, cell.data_type) == ("=1+1", "s") and cell.quotePrefix
