"""Validating and writing residents: every bad row reported, modes, counters, tags, audit, rollback."""

import pytest

from wangge.audit.models import AuditAction, AuditEntry
from wangge.core.testing.factories import valid_id_number
from wangge.grid.models import Grid, Household
from wangge.people import imports
from wangge.people.imports import ErrorReport
from wangge.people.models import ImportJob, Resident, ResidentTag
from wangge.people.tests.import_helpers import resident_row, run_job, write_csv

VALID_ONLY = ImportJob.Mode.VALID_ONLY


@pytest.fixture
def households(city):
    return city["households"]["A"]


def test_a_bad_check_digit_is_reported_with_row_column_and_reason(tmp_path, city, grid_worker, households):
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(households[0], "420106198005170011")]))
    assert job.errors == [{"row": 2, "column": "证件号码", "message": "身份证号码校验位错误（应为6）"}]


def test_every_bad_row_and_column_is_reported_not_just_the_first(tmp_path, city, grid_worker, households):
    rows = [
        resident_row(households[0], valid_id_number(), name="", phone="12345"),
        resident_row(households[0], valid_id_number()),
        resident_row(households[0], valid_id_number(), relation="邻居"),
    ]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows))
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "姓名"), (2, "手机号"), (4, "与户主关系")]
    assert job.error_count == 3


def test_duplicates_within_the_file_name_both_rows(tmp_path, city, grid_worker, households):
    number = valid_id_number()
    rows = [resident_row(households[0], number), resident_row(households[1], valid_id_number()),
            resident_row(households[1], number)]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert job.errors == [{"row": 4, "column": "证件号码", "message": "证件号码与第2行重复"}]
    assert Resident.objects.filter(id_number=number).count() == 1


def test_a_duplicate_of_a_registered_person_points_at_the_existing_record(tmp_path, city, grid_worker, households):
    existing = city["residents"]["A"]
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(households[1], existing.id_number)]))
    assert job.status == ImportJob.Status.REJECTED
    assert job.errors[0]["column"] == "证件号码"
    message = job.errors[0]["message"]
    assert existing.name in message and "居民编号" not in message and str(existing.pk) not in message.replace(
        existing.id_number_masked, "")


def test_a_household_outside_the_importers_reach_is_refused(tmp_path, city, grid_worker):
    other = city["households"]["B"][0]
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(other, valid_id_number())]))
    assert job.errors == [{"row": 2, "column": "户编码",
                           "message": f"户编码 {other.code} 不存在，或不在您的管辖范围内"}]


def test_a_malformed_household_code_says_what_is_expected(tmp_path, city, grid_worker):
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row("4.20106E+23", valid_id_number())]))
    assert "24位数字" in job.errors[0]["message"]


def test_an_unknown_tag_is_refused(tmp_path, city, grid_worker, households):
    job, _ = run_job(grid_worker, write_csv(tmp_path, [resident_row(households[0], valid_id_number(),
                                                                    tags="独居老人、爱打麻将")]))
    assert job.errors[0]["column"] == "重点人群"
    assert "爱打麻将" in job.errors[0]["message"]


def test_all_or_nothing_writes_nothing_when_any_row_is_bad(tmp_path, city, grid_worker, households):
    before = Resident.objects.count()
    rows = [resident_row(households[0], valid_id_number()) for _ in range(5)]
    rows.append(resident_row(households[0], "420106198005170011"))
    job, result = run_job(grid_worker, write_csv(tmp_path, rows))
    assert job.status == ImportJob.Status.REJECTED
    assert job.imported_rows == 0
    assert Resident.objects.count() == before
    # The only import entry is the record of the refusal, written after the rollback.
    assert [e.changes["rejected"] for e in AuditEntry.objects.filter(action=AuditAction.IMPORT)] == [True]


def test_valid_only_writes_exactly_the_good_rows(tmp_path, city, grid_worker, households):
    good = [valid_id_number() for _ in range(3)]
    rows = [resident_row(households[0], good[0]), resident_row(households[0], "bad"),
            resident_row(households[1], good[1]), resident_row(households[1], good[2], sex="女")]
    before = Resident.objects.count()
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.imported_rows == 2
    assert Resident.objects.count() == before + 2
    assert set(Resident.objects.filter(id_number__in=good).values_list("id_number", flat=True)) == set(good[:2])
    assert [e["row"] for e in job.errors] == [3, 5]


def test_imported_residents_carry_grid_code_tail_and_derived_facts(tmp_path, city, grid_worker, households):
    number = valid_id_number(male=False)
    run_job(grid_worker, write_csv(tmp_path, [resident_row(households[1], number, sex="", relation="配偶")]))
    resident = Resident.objects.get(id_number=number)
    assert resident.grid_code == households[1].grid_code
    assert resident.id_tail == number[-4:]
    assert resident.sex == "F"
    assert resident.relation == "spouse"
    assert resident.birth_date.isoformat() == "1980-05-17"
    assert resident.created_at is not None and resident.updated_at is not None


def test_counters_are_recounted_after_an_import(tmp_path, city, grid_worker, households):
    rows = [resident_row(households[1], valid_id_number()) for _ in range(3)]
    run_job(grid_worker, write_csv(tmp_path, rows))
    assert Household.objects.get(pk=households[1].pk).resident_count == 3
    grid = Grid.objects.get(code=households[1].grid_code)
    assert grid.resident_count == Resident.objects.filter(grid_code=grid.code).count() == 5


def test_tags_are_linked_with_the_grid_code(tmp_path, city, grid_worker, households):
    number = valid_id_number()
    run_job(grid_worker, write_csv(tmp_path, [resident_row(households[0], number, tags="独居老人,慢性病患者")]))
    links = ResidentTag.objects.filter(resident__id_number=number)
    assert sorted(links.values_list("tag__name", flat=True)) == ["慢性病患者", "独居老人"]
    assert {link.grid_code for link in links} == {households[0].grid_code}


def test_one_audit_entry_records_the_import(tmp_path, city, grid_worker, households, actor):
    rows = [resident_row(households[0], valid_id_number()) for _ in range(4)]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows), actor=actor(grid_worker))
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.object_type == "people.importjob"
    assert entry.object_id == str(job.pk)
    assert entry.grid_code == job.grid_code == "420106001001001"
    assert entry.actor_username == "gw_a"
    assert entry.changes["imported_rows"] == 4


def test_a_failure_while_writing_leaves_the_database_as_it_was(tmp_path, city, grid_worker, households,
                                                              monkeypatch):
    def broken_recount(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "update_resident_counts", broken_recount)
    before = Resident.objects.count()
    rows = [resident_row(households[0], valid_id_number(), tags="独居老人") for _ in range(3)]
    job, _ = run_job(grid_worker, write_csv(tmp_path, rows))
    assert job.status == ImportJob.Status.FAILED
    assert Resident.objects.count() == before
    assert not ResidentTag.objects.exists()
    # The only import entry is the record of the refusal, written after the rollback.
    assert [e.changes["rejected"] for e in AuditEntry.objects.filter(action=AuditAction.IMPORT)] == [True]


def test_a_role_that_cannot_edit_residents_cannot_import(tmp_path, city, volunteer, households):
    job, _ = run_job(volunteer, write_csv(tmp_path, [resident_row(households[0], valid_id_number())]))
    assert job.status == ImportJob.Status.FAILED
    assert Resident.objects.filter(grid_code=households[0].grid_code).count() == 2


def test_the_error_count_stays_exact_beyond_the_details_kept():
    report = ErrorReport(limit=10)
    for row in range(100, 0, -1):
        report.add(row, "姓名", "姓名不能为空")
    assert report.count == 100
    assert [e["row"] for e in report.details()] == list(range(1, 11))


def test_progress_is_reported_as_rows_are_processed(tmp_path, city, grid_worker, households, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    seen = []
    rows = [resident_row(households[0], valid_id_number()) for _ in range(5)]
    job = ImportJob.objects.create(kind="residents", file_name="r.csv", file_path=str(write_csv(tmp_path, rows)),
                                   grid_code="420106001001001", created_by=grid_worker)
    imports.run_import_job(job.pk, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_row_reasons_and_the_summary_are_in_the_language_the_import_runs_in(tmp_path, city, grid_worker, households):
    from django.utils import translation

    number = valid_id_number()
    rows = [resident_row(households[0], number), resident_row(households[1], number),
            resident_row("420106001001002001001000", valid_id_number())]
    with translation.override("en"):
        job, _ = run_job(grid_worker, write_csv(tmp_path, rows), mode=VALID_ONLY)
    messages = {e["row"]: e["message"] for e in job.errors}
    assert messages[3] == "The ID number repeats row 2"
    assert messages[4] == "Household code 420106001001002001001000 does not exist or is outside your area"
    assert job.message == "3 rows, 1 imported; 2 rows with errors were not imported"


def test_no_row_reason_or_import_message_is_written_as_bare_chinese():
    """Row reasons, file problems and the job's summary go through gettext (English users read them)."""
    import re
    from pathlib import Path

    source = Path(imports.__file__).read_text(encoding="utf-8")
    bare = re.compile(r'(?:errors\[[^\]]+\]\s*=|reason\s*=|message\s*=|FileProblem\(|report\.add\(.*,)'
                      r'\s*f?"[^"]*[\u4e00-\u9fff]')
    offenders = [line.strip() for line in source.splitlines() if bare.search(line)]
    assert offenders == []
