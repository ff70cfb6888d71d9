"""Workbooks that would take the worker down are refused before they are read, and every refused
import is in the audit log."""

import pytest

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing.factories import valid_id_number
from wangge.people import sheet_guard
from wangge.people.imports import ENCODING_ERROR, FileProblem, read_table
from wangge.people.models import ImportJob, Resident
from wangge.people.tests.import_helpers import (
    RESIDENT_HEADERS,
    resident_row,
    run_job,
    sheet_xml,
    table_rows,
    text_cell,
    write_csv,
    write_raw_xlsx,
)

BUILDING_HEADERS = ["网格代码", "楼栋名称", "单元数", "每单元户数"]


@pytest.fixture
def household(city):
    return city["households"]["A"][1]


def refusal(job) -> AuditEntry:
    return AuditEntry.objects.get(action=AuditAction.IMPORT, object_id=str(job.pk))


def test_a_sparse_sheet_spanning_a1_to_xfd1048576_is_refused_not_a_crash(tmp_path, city, grid_worker):
    # Two cells, 1.6 KB zipped: the reader would ask for 512 GiB and abort the worker.
    rows = (f'<row r="1">{text_cell("户编码", "A1")}</row>'
            f'<row r="1048576">{text_cell("x", "XFD1048576")}</row>')
    path = write_raw_xlsx(tmp_path, sheet_xml(rows))
    assert path.stat().st_size < 2000
    before = Resident.objects.count()
    job, result = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.REJECTED
    assert job.code == result.code == "import_sheet_too_large"
    assert job.message.startswith("文件声明的表格范围过大")
    assert Resident.objects.count() == before


def test_a_declared_range_of_a1_to_xfd1048576_is_refused(tmp_path, city, grid_worker, household):
    rows = table_rows([RESIDENT_HEADERS, resident_row(household, valid_id_number())])
    path = write_raw_xlsx(tmp_path, sheet_xml(rows, dimension="A1:XFD1048576"))
    with pytest.raises(FileProblem) as refused:
        read_table(path)
    assert refused.value.code == "import_sheet_too_large"
    assert "A1:XFD1048576" in refused.value.message


def test_cells_without_references_that_span_the_whole_sheet_are_refused(tmp_path):
    # No reference and no declared range: the reader counts the cells itself.
    header = "<row>" + text_cell("户编码") + text_cell("") * 16_383 + "</row>"
    last = "<row>" + text_cell("x") + "</row>"
    path = write_raw_xlsx(tmp_path, sheet_xml(header + "<row/>" * 1_048_574 + last))
    with pytest.raises(FileProblem) as refused:
        read_table(path)
    assert refused.value.code == "import_sheet_too_large"


def test_a_sheet_wider_than_the_importer_allows_is_refused(tmp_path):
    path = write_raw_xlsx(tmp_path, sheet_xml(table_rows([["户编码"] + ["x"] * 1500])))
    with pytest.raises(FileProblem) as refused:
        read_table(path)
    assert refused.value.code == "import_sheet_too_large"


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, city, grid_worker):
    bomb = {"xl/sharedStrings.xml": b"\0" * (64 * 1024 * 1024)}
    path = write_raw_xlsx(tmp_path, sheet_xml(table_rows([RESIDENT_HEADERS])), extra=bomb)
    assert path.stat().st_size < 200_000
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.REJECTED
    assert job.code == "import_zip_bomb"
    assert "压缩炸弹" in job.message


def test_a_reader_that_dies_becomes_a_clear_error(tmp_path, monkeypatch):
    # Whatever kills the measuring process (here: an abort, as on a failed allocation) is reported
    # as a file too large, and the worker lives on.
    monkeypatch.setattr(sheet_guard, "_PROBE", "import os; os.abort()")
    path = write_raw_xlsx(tmp_path, sheet_xml(table_rows([RESIDENT_HEADERS])))
    with pytest.raises(FileProblem) as refused:
        read_table(path)
    assert refused.value.code == "import_sheet_too_large"


def test_a_workbook_built_by_hand_within_the_limits_imports(tmp_path, city, grid_worker, household):
    rows = table_rows([RESIDENT_HEADERS, resident_row(household, valid_id_number(), name="端木蓉")])
    job, _ = run_job(grid_worker, write_raw_xlsx(tmp_path, sheet_xml(rows, dimension="A1:K2")))
    assert job.status == ImportJob.Status.SUCCEEDED, job.message
    assert Resident.objects.filter(name="端木蓉").exists()


@pytest.mark.parametrize("ref, size", [("A1:XFD1048576", (1048576, 16384)), ("B2", (1, 1)), ("C3:A1", (3, 3)),
                                       ("$A$1:$K$20", (20, 11)), ("junk", None)])
def test_declared_ranges_are_measured(ref, size):
    assert sheet_guard.range_size(ref) == size


# --- Refused imports are audited -----------------------------------------------------------------


def test_an_all_or_nothing_import_refused_for_bad_rows_is_audited(tmp_path, city, grid_worker, household):
    rows = [resident_row(household, valid_id_number()), resident_row(household, "420106198005170011")]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows))
    assert job.status == ImportJob.Status.REJECTED
    entry = refusal(job)
    assert entry.actor == grid_worker
    assert entry.changes["rejected"] is True
    assert entry.changes["rows"] == 2
    assert entry.changes["errors"] == 1
    assert "全部成功才导入" in entry.changes["reason"]


def test_a_file_with_an_unknown_encoding_is_refused_and_audited(tmp_path, city, grid_worker):
    path = tmp_path / "latin1.csv"
    path.write_bytes("户编码,姓名\n".encode() + "Café,Müller\n".encode("latin-1"))
    job, _ = run_job(grid_worker, path)
    assert job.code == "import_encoding"
    entry = refusal(job)
    assert entry.changes == {**entry.changes, "rejected": True, "rows": 0, "errors": 0, "reason": ENCODING_ERROR,
                             "code": "import_encoding"}


def test_a_file_refused_by_the_guard_is_audited(tmp_path, city, grid_worker):
    rows = f'<row r="1">{text_cell("户编码", "A1")}</row><row r="1048576">{text_cell("x", "XFD1048576")}</row>'
    job, _ = run_job(grid_worker, write_raw_xlsx(tmp_path, sheet_xml(rows)))
    entry = refusal(job)
    assert entry.changes["rejected"] is True
    assert entry.changes["code"] == "import_sheet_too_large"
    assert entry.changes["reason"].startswith("文件声明的表格范围过大")


def test_a_building_import_refused_for_bad_rows_is_audited(tmp_path, city, grid_worker):
    path = write_csv(tmp_path, [["420106001001001", "9栋", "0", "12"]], headers=BUILDING_HEADERS)
    job, _ = run_job(grid_worker, path, kind=ImportJob.Kind.BUILDINGS)
    assert job.status == ImportJob.Status.REJECTED
    assert refusal(job).changes["errors"] == 1


def test_a_successful_import_is_audited_once_and_not_as_refused(tmp_path, city, grid_worker, household):
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(household, valid_id_number())]))
    assert job.status == ImportJob.Status.SUCCEEDED
    assert "rejected" not in refusal(job).changes
