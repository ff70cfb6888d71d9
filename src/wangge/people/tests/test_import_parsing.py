"""Reading import files: encodings, headers, empty rows, oversized cells, Excel."""

import pytest

from wangge.core.testing.factories import valid_id_number
from wangge.people.imports import ENCODING_ERROR, FileProblem, detect_encoding, read_table
from wangge.people.models import ImportJob, Resident
from wangge.people.tests.import_helpers import RESIDENT_HEADERS, resident_row, run_job, write_csv, write_xlsx


@pytest.fixture
def household(city):
    return city["households"]["A"][1]


def test_a_utf8_csv_imports(tmp_path, city, grid_worker, household):
    path = write_csv(tmp_path, [resident_row(household, valid_id_number(), name="欧阳娜娜")])
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert Resident.objects.filter(name="欧阳娜娜").exists()


def test_a_utf8_csv_with_bom_imports(tmp_path, city, grid_worker, household):
    path = write_csv(tmp_path, [resident_row(household, valid_id_number(), name="司马光")], encoding="utf-8-sig")
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert Resident.objects.filter(name="司马光").exists()


def test_a_gbk_csv_imports(tmp_path, city, grid_worker, household):
    path = write_csv(tmp_path, [resident_row(household, valid_id_number(), name="诸葛亮", tags="独居老人")],
                     encoding="gbk")
    assert detect_encoding(path)[0] == "gbk"
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert Resident.objects.get(name="诸葛亮").tags.get().name == "独居老人"


def test_latin1_bytes_are_refused_with_a_chinese_message(tmp_path, city, grid_worker):
    path = tmp_path / "latin1.csv"
    path.write_bytes("户编码,姓名\n".encode() + "Café,Müller\n".encode("latin-1"))
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.REJECTED
    assert job.message == ENCODING_ERROR


def test_a_binary_file_is_refused_as_unreadable(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00")
    with pytest.raises(FileProblem, match="文件编码无法识别"):
        read_table(path)


def test_a_file_that_is_not_really_xlsx_is_refused(tmp_path, city, grid_worker):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"this is not a zip file")
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.REJECTED
    assert "无法读取 Excel 文件" in job.message


def test_missing_required_columns_are_named(tmp_path, city, grid_worker, household):
    path = write_csv(tmp_path, [["张三", "男"]], headers=["姓名", "性别"])
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.REJECTED
    assert "户编码" in job.message and "证件号码" in job.message
    assert {e["column"] for e in job.errors} == {"户编码", "证件号码"}


def test_unknown_extra_columns_are_ignored(tmp_path, city, grid_worker, household):
    headers = [*RESIDENT_HEADERS, "籍贯"]
    path = write_csv(tmp_path, [[*resident_row(household, valid_id_number()), "湖北武汉"]], headers=headers)
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.imported_rows == 1


def test_empty_rows_are_skipped_and_row_numbers_stay_as_in_the_sheet(tmp_path, city, grid_worker, household):
    rows = [resident_row(household, valid_id_number()), [""] * 11, ["", " ", ""],
            resident_row(household, "420106198005170011")]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=ImportJob.Mode.VALID_ONLY)
    assert job.total_rows == 2
    assert job.imported_rows == 1
    assert [e["row"] for e in job.errors] == [5]


def test_a_one_megabyte_cell_is_a_row_error_not_a_crash(tmp_path, city, grid_worker, household):
    rows = [resident_row(household, valid_id_number(), note="长" * 1_000_000),
            resident_row(household, valid_id_number(), name="钱七")]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=ImportJob.Mode.VALID_ONLY)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.errors == [{"row": 2, "column": "备注", "message": "单元格内容过长（超过10000个字），请检查"}]
    assert job.imported_rows == 1


def test_an_xlsx_file_imports_with_numbers_and_dates_as_typed_in_excel(tmp_path, city, grid_worker, household):
    import datetime as dt

    number = valid_id_number(birth=dt.date(1990, 3, 4))
    row = resident_row(household, number, name="孙悟空")
    row[5] = 13987654321  # a phone typed as a number
    row[9] = dt.date(1990, 3, 4)
    job, _ = run_job(grid_worker, write_xlsx(tmp_path, [row]))
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    resident = Resident.objects.get(name="孙悟空")
    assert resident.phone == "13987654321"
    assert resident.birth_date == dt.date(1990, 3, 4)


def test_xlsx_row_errors_carry_the_spreadsheet_row_number(tmp_path, city, grid_worker, household):
    rows = [resident_row(household, valid_id_number()), resident_row(household, "42010619800517001X")]
    job, _ = run_job(grid_worker, write_xlsx(tmp_path, rows))
    assert job.status == ImportJob.Status.REJECTED
    assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "证件号码"


def test_headers_marked_required_with_a_star_are_recognised(tmp_path, city, grid_worker, household):
    headers = ["*户编码", "姓名 *", "证件号码（必填）"]
    path = write_csv(tmp_path, [[household.code, "周八", valid_id_number()]], headers=headers)
    job, _ = run_job(grid_worker, path)
    assert job.status == ImportJob.Status.SUCCEEDED
