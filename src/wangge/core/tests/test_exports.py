"""Excel export: any list to .xlsx, and every export of people audited with masked identifiers."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.exports import (
    RESIDENT_EXPORT_HEADERS,
    audited_export,
    content_disposition,
    resident_export_rows,
    xlsx_response,
)
from wangge.people.models import Resident, ResidentTag


def sheet_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]


def test_rows_are_written_under_their_headers():
    response = xlsx_response(filename="名单.xlsx", headers=["名称", "数量", "日期"],
                             rows=iter([("甲", 1, dt.date(2022, 4, 1)), ("乙", 2, None)]))
    sheet = sheet_of(response)
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["名称", "数量", "日期"]
    assert values[1][:2] == ["甲", 1] and values[1][2].date() == dt.date(2022, 4, 1)
    assert values[2] == ["乙", 2, None]


def test_aware_datetimes_are_written_in_local_time():
    moment = dt.datetime(2022, 4, 1, 0, 30, tzinfo=dt.UTC)
    sheet = sheet_of(xlsx_response(filename="t.xlsx", headers=["时间"], rows=[(moment,)]))
    assert sheet.cell(row=2, column=1).value == timezone.localtime(moment).replace(tzinfo=None)


def test_a_chinese_file_name_survives_in_the_download_header():
    header = content_disposition("居民名单.xlsx")
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E5%B1%85%E6%B0%91" in header


def test_an_audited_export_records_the_filters_and_row_count(city, street_officer, actor):
    audited_export(actor=actor(street_officer), object_type="people.resident", grid_code="420106001",
                   filters={"q": "张", "tag": ""}, filename="居民.xlsx", headers=["姓名"],
                   rows=((n,) for n in ["张伟", "张敏", "张强"]))
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor_username == "street_1"
    assert entry.object_type == "people.resident"
    assert entry.grid_code == "420106001"
    assert entry.changes == {"filters": {"q": "张"}, "rows": 3, "file": "居民.xlsx"}


def test_resident_exports_keep_id_numbers_and_phones_masked(city, street_officer, actor):
    resident = city["residents"]["A"]
    ResidentTag.objects.create(resident=resident, tag_id=1, grid_code=resident.grid_code)
    qs = Resident.objects.restrict(street_officer).order_by("grid_code", "id")
    response = audited_export(actor=actor(street_officer), object_type="people.resident", grid_code="420106001",
                              filters={}, filename="居民.xlsx", headers=RESIDENT_EXPORT_HEADERS,
                              rows=resident_export_rows(qs))
    sheet = sheet_of(response)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 3  # the street officer's reach: residents A, A2 and B, not C
    first = dict(zip(RESIDENT_EXPORT_HEADERS, rows[0], strict=True))
    assert first["证件号码"] == resident.id_number_masked != resident.id_number
    assert first["手机号"] == "138****8000"
    assert first["重点人群"] == "独居老人"
    assert resident.id_number not in str(rows)
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).changes["rows"] == 3
