"""The checker process that runs ahead of the PostgreSQL writer on large files."""

import multiprocessing
import time

import pytest
from django.db import connection

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing.factories import valid_id_number
from wangge.people import imports
from wangge.people.imports import ErrorReport, FileProblem, _Batch, _CheckProgress, _in_process
from wangge.people.models import ImportJob, Resident, ResidentTag
from wangge.people.tests.import_helpers import resident_row, run_job, write_csv

VALID_ONLY = ImportJob.Mode.VALID_ONLY


def batch(*rows: int) -> _Batch:
    return _Batch(list(rows), [1] * len(rows), ["g"] * len(rows), ["id_card"] * len(rows),
                  [str(r) for r in rows], [f"line {r}" for r in rows], [], [], [])


def run(check, *, progress=None, report=None, state=None):
    return list(_in_process(check, report=report or ErrorReport(), state=state or _CheckProgress(),
                            progress=progress))


def test_batches_from_the_checker_process_come_through_in_order():
    def check(*, report, state, progress):
        for n in range(1, 7):
            yield batch(n)

    assert [b.rows for b in run(check)] == [[1], [2], [3], [4], [5], [6]]


def test_a_file_problem_in_the_checker_process_is_raised_with_its_message_and_columns():
    def check(*, report, state, progress):
        yield batch(2)
        raise FileProblem("缺少必需的列：姓名", columns=["姓名"])

    with pytest.raises(FileProblem) as raised:
        run(check)
    assert raised.value.message == "缺少必需的列：姓名"
    assert raised.value.columns == ["姓名"]


def test_an_error_that_cannot_be_pickled_still_reaches_the_importer():
    class Odd(Exception):
        def __reduce__(self):
            raise TypeError("not picklable")

    def check(*, report, state, progress):
        raise Odd("第3行无法读取")
        yield

    with pytest.raises(RuntimeError, match="Odd: 第3行无法读取"):
        run(check)


def test_row_errors_and_the_row_count_of_the_checker_process_reach_the_importer():
    report, state = ErrorReport(), _CheckProgress()
    report.add(9, "证件号码", "证件号码已登记")

    def check(*, report, state, progress):
        report.add(3, "姓名", "姓名不能为空")
        report.add(3, "手机号", "手机号格式不正确")
        state.processed = 12
        yield batch(2)

    run(check, report=report, state=state)
    assert state.processed == 12
    assert report.count == 3
    assert report.rows == {3, 9}
    assert [(e["row"], e["column"]) for e in report.details()] == [(3, "姓名"), (3, "手机号"), (9, "证件号码")]


def test_progress_of_the_checker_process_is_reported_by_the_importer_in_order():
    seen = []

    def check(*, report, state, progress):
        for n in range(1, 4):
            progress(n * 10, 30)
            yield batch(n)

    run(check, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(10, 30), (20, 30), (30, 30)]


def test_the_checker_process_is_stopped_when_the_writer_gives_up():
    def check(*, report, state, progress):
        n = 0
        while True:
            n += 1
            yield batch(n)

    stream = _in_process(check, report=ErrorReport(), state=_CheckProgress(), progress=None)
    assert next(stream).rows == [1]
    stream.close()
    time.sleep(0.1)
    assert not multiprocessing.active_children()


def test_a_checker_process_that_dies_is_an_error_not_a_hang():
    import os

    def check(*, report, state, progress):
        os._exit(3)
        yield

    with pytest.raises(RuntimeError, match="退出码 3"):
        run(check)


def test_a_checker_process_that_hangs_is_stopped_and_reported(monkeypatch):
    def check(*, report, state, progress):
        time.sleep(60)
        yield

    monkeypatch.setattr(imports, "CHECKER_STALL_SECONDS", 2)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="无响应"):
        run(check)
    assert time.monotonic() - started < 15
    time.sleep(0.1)
    assert not multiprocessing.active_children()


# --- The import through the process (PostgreSQL only: SQLite validates first and writes after) ---

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the checker process is PostgreSQL's")


@pytest.fixture
def households(city):
    return city["households"]["A"]


@pytest.fixture
def through_process(monkeypatch):
    """Every import takes the process path; records that it did."""
    used = []
    real = imports._in_process

    def spy(*args, **kwargs):
        used.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "PROCESS_MIN_ROWS", 0)
    monkeypatch.setattr(imports, "_in_process", spy)
    return used


@postgres_only
def test_a_large_file_is_checked_in_a_separate_process(tmp_path, city, grid_worker, households, through_process):
    numbers = [valid_id_number() for _ in range(3)]
    rows = [resident_row(households[0], n, tags="独居老人") for n in numbers]
    job, result = run_job(grid_worker, write_csv(tmp_path, rows))
    assert through_process == [True]
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.imported_rows == 3
    assert Resident.objects.filter(id_number__in=numbers).count() == 3
    assert ResidentTag.objects.filter(resident__id_number__in=numbers).count() == 3
    assert AuditEntry.objects.get(action=AuditAction.IMPORT).changes["tags"] == 3


@postgres_only
def test_through_the_process_valid_only_writes_the_good_rows_and_reports_the_rest(
    tmp_path, city, grid_worker, households, through_process
):
    existing = city["residents"]["A"]
    good = [valid_id_number() for _ in range(2)]
    rows = [resident_row(households[0], good[0]), resident_row(households[0], "bad"),
            resident_row(households[1], existing.id_number, tags="独居老人"), resident_row(households[1], good[1])]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert through_process == [True]
    assert job.imported_rows == 2
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "证件号码"), (4, "证件号码")]
    message = job.errors[1]["message"]
    assert existing.name in message and "居民编号" not in message and str(existing.pk) not in message.replace(
        existing.id_number_masked, "")
    assert not ResidentTag.objects.filter(resident=existing).exists()
    assert set(Resident.objects.filter(id_number__in=good).values_list("id_number", flat=True)) == set(good)


@postgres_only
def test_through_the_process_a_rejected_file_writes_nothing(tmp_path, city, grid_worker, households,
                                                            through_process):
    before = Resident.objects.count()
    rows = [resident_row(households[0], valid_id_number()) for _ in range(5)]
    rows.append(resident_row(households[0], "420106198005170011"))
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows))
    assert through_process == [True]
    assert job.status == ImportJob.Status.REJECTED
    assert job.errors == [{"row": 7, "column": "证件号码", "message": "身份证号码校验位错误（应为6）"}]
    assert Resident.objects.count() == before
    # The only import entry is the record of the refusal, written after the rollback.
    assert [e.changes["rejected"] for e in AuditEntry.objects.filter(action=AuditAction.IMPORT)] == [True]


@postgres_only
def test_through_the_process_an_error_while_checking_fails_the_job_and_writes_nothing(
    tmp_path, city, grid_worker, households, through_process, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("第3行无法读取")

    monkeypatch.setattr(imports, "clean_resident_fields", broken)
    before = Resident.objects.count()
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(households[0], valid_id_number())]))
    assert through_process == [True]
    assert job.status == ImportJob.Status.FAILED
    assert "内部错误" in job.message
    assert Resident.objects.count() == before


@postgres_only
def test_through_the_process_progress_is_reported(tmp_path, city, grid_worker, households, through_process,
                                                  monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    seen = []
    rows = [resident_row(households[0], valid_id_number()) for _ in range(5)]
    job = ImportJob.objects.create(kind="residents", file_name="r.csv", file_path=str(write_csv(tmp_path, rows)),
                                   grid_code="420106001001001", created_by=grid_worker)
    imports.run_import_job(job.pk, progress=lambda done, total: seen.append((done, total)))
    assert through_process == [True]
    assert seen == [(2, 5), (4, 5), (5, 5)]


@postgres_only
def test_the_checker_process_writes_row_reasons_in_the_importers_language(tmp_path, city, grid_worker, households,
                                                                          through_process):
    from django.utils import translation

    number = valid_id_number()
    rows = [resident_row(households[0], number), resident_row(households[1], number)]
    with translation.override("en"):
        job, _result = run_job(grid_worker, write_csv(tmp_path, rows), mode=ImportJob.Mode.VALID_ONLY)
    assert through_process == [True]
    assert [e["message"] for e in job.errors] == ["The ID number repeats row 2"]
