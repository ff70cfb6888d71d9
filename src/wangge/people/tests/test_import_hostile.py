"""Hostile import files, generated: whatever the file, the import ends in an answer, never an
exception; nothing is half-written; every bad row is reported with its row number.

Each example is a file built from rows whose fate is known (good, or bad for a stated reason) and
rows of hostile text whose fate is either (imported or reported, never both, never a crash),
wrapped in a random encoding, container and header, sometimes broken as a whole.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from wangge.core.testing.factories import valid_id_number
from wangge.grid.models import Building, Household
from wangge.people.models import ImportJob, Resident
from wangge.people.tests.import_helpers import (
    RESIDENT_HEADERS,
    csv_bytes,
    resident_row,
    run_job,
    sheet_xml,
    table_rows,
    text_cell,
    write_raw_xlsx,
    write_xlsx,
)

HOSTILE = settings(
    max_examples=30, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
MODES = [ImportJob.Mode.ALL_OR_NOTHING, ImportJob.Mode.VALID_ONLY]
NAMES = ["赵敏", "欧阳娜娜", "司马光", "诸葛亮", "王芳", "李四"]
_births = itertools.count()

# Text an attacker or a careless export puts in a cell: separators, quotes, formulas, line breaks,
# NUL and other control characters, and anything else.
hostile_text = st.one_of(
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "a,b", 'say "hi"',
                     '"', "'", "a\nb", "a\r\nb", "\t", "a\x00b", "\x00", "\x1b[31m", "、,，", "\ufeff张", " ", "",
                     "名" * 60, "﻿"]),
    st.text(max_size=20),
)


def fresh_id() -> str:
    # One birth date per call: valid_id_number alone repeats after 500 numbers.
    return valid_id_number(birth=dt.date(1950, 1, 1) + dt.timedelta(days=next(_births)))


def wrong_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


@st.composite
def resident_plans(draw):
    kinds = draw(st.lists(st.sampled_from(["good", "good", "check_digit", "dup_in_file", "dup_in_db",
                                           "out_of_reach", "no_name", "hostile", "empty"]), max_size=8))
    return {
        "kinds": kinds,
        "hostile": [(draw(hostile_text), draw(hostile_text)) for _ in kinds],
        "format": draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "xlsx"])),
        "mode": draw(st.sampled_from(MODES)),
        "extra_column": draw(st.booleans()),
        # Pushes later rows past the first 4 KB, where a NUL no longer makes the file binary.
        "pad": draw(st.booleans()),
        "broken": draw(st.sampled_from([None] * 6 + ["empty_file", "missing_column", "invalid_bytes", "nul_head",
                                                     "huge_range", "sparse_far_cell", "raw_quote_last"])),
    }


def build_resident_rows(plan, city):
    """(rows, numbers of the rows that must be reported, of those that must not, of the either ones)."""
    inside = city["households"]["A"]
    outside = city["households"]["C"][0]
    registered = city["residents"]["A"].id_number
    rows, bad, good, either = [], set(), set(), set()
    good_numbers: list[str] = []
    for index, kind in enumerate(plan["kinds"]):
        number = fresh_id()
        household = inside[index % len(inside)]
        row = resident_row(household, number, name=NAMES[index % len(NAMES)])
        if kind == "dup_in_file" and not good_numbers:
            kind = "good"
        if kind == "check_digit":
            row[4] = wrong_check_digit(number)
        elif kind == "dup_in_file":
            row[4] = good_numbers[0]
        elif kind == "dup_in_db":
            row[4] = registered
        elif kind == "out_of_reach":
            row[0] = outside.code
        elif kind == "no_name":
            row[1] = ""
        elif kind == "hostile":
            row[1], row[10] = plan["hostile"][index]
        elif kind == "empty":
            row = [""] * len(RESIDENT_HEADERS)
        rows.append(row)
        row_number = len(rows) + 1
        if kind == "good":
            good.add(row_number)
            good_numbers.append(number)
        elif kind == "hostile":
            either.add(row_number)
            good_numbers.append(number)  # never duplicated: its fate is unknown
        elif kind != "empty":
            bad.add(row_number)
    return rows, bad, good, either


def write_resident_file(tmp_path, plan, rows):
    headers = list(RESIDENT_HEADERS)
    if plan["extra_column"] or plan["pad"]:
        headers.append("籍贯")
        rows = [row + (["湖北"] if any(row) else [""]) for row in rows]
        if plan["pad"] and rows and any(rows[0]):
            rows[0][-1] = "填" * 3000
    if plan["broken"] == "missing_column":
        headers = headers[:1] + ["名字"] + headers[2:]
    fmt = plan["format"]
    if fmt == "xlsx":
        if plan["broken"] == "huge_range":
            return write_raw_xlsx(tmp_path, sheet_xml(table_rows([headers, *rows]), dimension="A1:XFD1048576"))
        if plan["broken"] == "sparse_far_cell":
            return write_raw_xlsx(tmp_path, sheet_xml(
                table_rows([headers, *rows]) + f'<row r="1048576">{text_cell("x", "XFD1048576")}</row>'))
        if plan["broken"] == "empty_file":
            rows, headers = [], [""]
        clean = [[ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row] for row in rows]
        return write_xlsx(tmp_path, clean, headers=headers)
    path = tmp_path / "r.csv"
    if plan["broken"] == "empty_file":
        path.write_bytes(b"")
        return path
    text = csv_bytes(rows, headers=headers).decode()
    if plan["broken"] == "raw_quote_last":
        text += ",".join(['"' + rows[0][0] if rows else '"', 'a"b,c', fresh_id()]) + "\n"
    data = text.encode(fmt, errors="replace")
    if plan["broken"] == "invalid_bytes":
        data = data[: len(data) // 2] + b"\xff\xfe\xff" + data[len(data) // 2:]
    elif plan["broken"] == "nul_head":
        data = b"\x00" + data
    path.write_bytes(data)
    return path


FILE_LEVEL = {"empty_file": {"import_empty", "import_file_unreadable"}, "missing_column": {"import_missing_columns"},
              "invalid_bytes": {"import_encoding"}, "nul_head": {"import_encoding"},
              "huge_range": {"import_sheet_too_large"}, "sparse_far_cell": {"import_sheet_too_large"}}


def refused_for_nul(job, path) -> bool:
    """A CSV with NUL in its first 4 KB is not a text file: refused whole, whatever else it has."""
    return job.code == "import_encoding" and path.suffix == ".csv" and b"\x00" in path.read_bytes()[:4096]


def assert_answered(job):
    assert job.status != ImportJob.Status.FAILED, (job.code, job.message)
    assert job.status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.REJECTED)


def test_a_nul_in_a_name_past_the_first_kilobytes_is_a_row_error_not_a_failed_import(tmp_path, city,
                                                                                      grid_worker):
    # PostgreSQL cannot store NUL: written as is, it failed the whole import with an internal error.
    household = city["households"]["A"][1]
    rows = [resident_row(household, fresh_id(), note="备" * 400) for _ in range(6)]
    rows.append(resident_row(household, fresh_id(), name="张\x00三"))
    path = tmp_path / "nul.csv"
    path.write_bytes(csv_bytes(rows))
    job, _ = run_job(grid_worker, path, mode=ImportJob.Mode.VALID_ONLY)
    assert job.status == ImportJob.Status.SUCCEEDED, job.message
    assert job.imported_rows == 6
    assert job.errors == [{"row": 8, "column": "姓名", "message": "含有不可见的控制字符（如 NUL），请检查"}]


def test_an_unclosed_quote_at_the_end_of_a_csv_is_answered(tmp_path, city, grid_worker):
    household = city["households"]["A"][1]
    data = csv_bytes([resident_row(household, fresh_id())]) + b'"' + household.code.encode() + b',"a\x00'
    path = tmp_path / "quote.csv"
    path.write_bytes(data)
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.REJECTED
    assert Resident.objects.filter(household=household).count() == 0


@pytest.mark.parametrize("name", ["residents"])
@HOSTILE
@given(plan=resident_plans())
def test_hostile_resident_files_are_answered_and_never_half_written(name, tmp_path_factory, city, grid_worker, plan):
    tmp_path = tmp_path_factory.mktemp("hostile")
    note(repr(plan))
    rows, bad, good, either = build_resident_rows(plan, city)
    broken = plan["broken"]
    if plan["format"] == "xlsx" and broken in ("invalid_bytes", "nul_head", "raw_quote_last"):
        broken = plan["broken"] = None
    if plan["format"] != "xlsx" and broken in ("huge_range", "sparse_far_cell"):
        broken = plan["broken"] = None
    path = write_resident_file(tmp_path, plan, rows)
    before = Resident.objects.count()
    job, result = run_job(grid_worker, path, mode=plan["mode"])
    note(f"{job.status} {job.code} {job.message} {job.errors}")
    written = Resident.objects.count() - before
    assert_answered(job)
    assert written == job.imported_rows
    if refused_for_nul(job, path) or broken in FILE_LEVEL:
        assert job.status == ImportJob.Status.REJECTED
        assert refused_for_nul(job, path) or job.code in FILE_LEVEL[broken], (job.code, job.message)
        assert written == 0
        return
    refusals = set()
    if broken == "raw_quote_last":
        refusals.add("import_csv_invalid")
    if job.code:
        assert job.code in refusals, (job.code, job.message)
        assert written == 0
        return
    reported = {error["row"] for error in job.errors}
    data_rows = good | bad | either
    last = len(rows) + 1 + (1 if broken == "raw_quote_last" else 0)
    assert all(1 < row <= last for row in reported), (reported, last)
    assert bad <= reported, (bad - reported, job.errors)
    assert not good & reported, job.errors
    assert job.error_count >= len(reported)
    counted = len(data_rows) + (1 if broken == "raw_quote_last" else 0)
    assert job.total_rows == counted
    if plan["mode"] == ImportJob.Mode.ALL_OR_NOTHING and reported:
        assert job.status == ImportJob.Status.REJECTED
        assert written == 0
    else:
        assert written == counted - len(reported)


# --- Buildings -----------------------------------------------------------------------------------

BUILDING_HEADERS = ["网格代码", "楼栋名称", "楼栋编号", "地址", "纬度", "经度", "层数", "单元数", "每单元户数"]
_buildings = itertools.count(1)


@st.composite
def building_plans(draw):
    kinds = draw(st.lists(st.sampled_from(["good", "good", "bad_units", "out_of_reach", "dup_name_in_file",
                                           "dup_name_in_db", "no_name", "hostile", "empty"]), max_size=6))
    return {
        "kinds": kinds,
        "hostile": [(draw(hostile_text), draw(hostile_text)) for _ in kinds],
        "units": [draw(st.sampled_from(["0", "100", "abc", "1.5", "-1", "=1+1", ""])) for _ in kinds],
        "format": draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "xlsx"])),
        "mode": draw(st.sampled_from(MODES)),
        "broken": draw(st.sampled_from([None] * 6 + ["empty_file", "missing_column", "invalid_bytes", "huge_range"])),
    }


@pytest.mark.parametrize("name", ["buildings"])
@HOSTILE
@given(plan=building_plans())
def test_hostile_building_files_are_answered_and_never_half_written(name, tmp_path_factory, city, grid_worker, plan):
    tmp_path = tmp_path_factory.mktemp("hostile")
    note(repr(plan))
    grid_a, grid_c = "420106001001001", "420106002001001"
    existing = Building.objects.filter(grid_code=grid_a).values_list("name", flat=True).first()
    rows, bad, good, either, names = [], set(), set(), set(), []
    for index, kind in enumerate(plan["kinds"]):
        name = f"测试{next(_buildings)}栋"
        row = [grid_a, name, "", "中北路1号", "30.55", "114.31", "6", "2", "3"]
        if kind == "dup_name_in_file" and not names:
            kind = "good"
        if kind == "bad_units":
            row[7] = plan["units"][index] or "0"
        elif kind == "out_of_reach":
            row[0] = grid_c
        elif kind == "dup_name_in_file":
            row[1] = names[0]
        elif kind == "dup_name_in_db":
            row[1] = existing
        elif kind == "no_name":
            row[1] = ""
        elif kind == "hostile":
            row[1], row[3] = plan["hostile"][index]
        elif kind == "empty":
            row = [""] * len(BUILDING_HEADERS)
        rows.append(row)
        number = len(rows) + 1
        {"good": good, "hostile": either, "empty": set()}.get(kind, bad).add(number)
        if kind == "good":
            names.append(name)
    broken = plan["broken"]
    headers = list(BUILDING_HEADERS)
    if broken == "missing_column":
        headers[7] = "单元"
    if plan["format"] == "xlsx":
        if broken == "huge_range":
            path = write_raw_xlsx(tmp_path, sheet_xml(table_rows([headers, *rows]), dimension="A1:XFD1048576"))
        else:
            broken = None if broken == "invalid_bytes" else broken
            clean = [[ILLEGAL_CHARACTERS_RE.sub("", c) for c in row] for row in rows]
            path = write_xlsx(tmp_path, [] if broken == "empty_file" else clean,
                              headers=[""] if broken == "empty_file" else headers, name="b.xlsx")
    else:
        broken = None if broken == "huge_range" else broken
        path = tmp_path / "b.csv"
        data = b"" if broken == "empty_file" else csv_bytes(rows, headers=headers).decode().encode(
            plan["format"], errors="replace")
        if broken == "invalid_bytes":
            data = data[: len(data) // 2] + b"\xff\xfe\xff" + data[len(data) // 2:]
        path.write_bytes(data)
    before = (Building.objects.count(), Household.objects.count())
    job, _ = run_job(grid_worker, path, kind=ImportJob.Kind.BUILDINGS, mode=plan["mode"])
    written = Building.objects.count() - before[0]
    assert_answered(job)
    assert written == job.imported_rows
    if refused_for_nul(job, path) or broken in FILE_LEVEL:
        assert job.status == ImportJob.Status.REJECTED
        assert refused_for_nul(job, path) or job.code in FILE_LEVEL[broken], (job.code, job.message)
        assert (Building.objects.count(), Household.objects.count()) == before
        return
    assert not job.code, (job.code, job.message)
    reported = {error["row"] for error in job.errors}
    assert all(1 < row <= len(rows) + 1 for row in reported)
    assert bad <= reported, (bad - reported, job.errors)
    assert not good & reported, job.errors
    data_rows = good | bad | either
    assert job.total_rows == len(data_rows)
    if plan["mode"] == ImportJob.Mode.ALL_OR_NOTHING and reported:
        assert job.status == ImportJob.Status.REJECTED
        assert (Building.objects.count(), Household.objects.count()) == before
    else:
        assert written == len(data_rows) - len(reported)
        assert Household.objects.count() - before[1] == sum(
            int(rows[n - 2][7]) * int(rows[n - 2][8]) for n in data_rows - reported)
