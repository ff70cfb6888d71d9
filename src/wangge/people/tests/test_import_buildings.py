"""Importing buildings: units and households coded grid+3, +2, +4, and the grid's counts recounted."""

import pytest

from wangge.audit.models import AuditAction, AuditEntry
from wangge.grid.models import Building, Grid, Household, Unit
from wangge.people.models import ImportJob
from wangge.people.tests.import_helpers import run_job, write_csv

HEADERS = ["网格代码", "楼栋名称", "楼栋编号", "地址", "纬度", "经度", "层数", "单元数", "每单元户数"]
GRID_A = "420106001001001"


def building_row(name="5栋", grid=GRID_A, sequence="", units="2", per_unit="4", floors="2", lat="30.55", lng="114.3"):
    return [grid, name, sequence, f"中北路{name}", lat, lng, floors, units, per_unit]


def run_buildings(user, tmp_path, rows, mode=ImportJob.Mode.ALL_OR_NOTHING):
    return run_job(user, write_csv(tmp_path, rows, headers=HEADERS), kind=ImportJob.Kind.BUILDINGS, mode=mode)


def test_a_building_is_created_with_its_units_and_households(tmp_path, city, grid_worker):
    job, _ = run_buildings(grid_worker, tmp_path, [building_row()])
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    building = Building.objects.get(name="5栋")
    assert building.code == GRID_A + "002"  # the city fixture already holds building 001
    assert list(Unit.objects.filter(building=building).values_list("code", flat=True)) == [
        building.code + "01", building.code + "02"]
    households = Household.objects.filter(unit__building=building).order_by("code")
    assert households.count() == 8
    assert households[0].code == building.code + "01" + "0001"
    assert [h.door_number for h in households[:4]] == ["101", "102", "201", "202"]
    assert households[0].grid_code == GRID_A


def test_grid_building_and_household_counts_are_recounted(tmp_path, city, grid_worker):
    run_buildings(grid_worker, tmp_path, [building_row("5栋"), building_row("6栋", units="1", per_unit="3")])
    grid = Grid.objects.get(code=GRID_A)
    assert grid.building_count == 3
    assert grid.household_count == 2 + 8 + 3


def test_an_explicit_building_number_is_used_and_a_taken_one_refused(tmp_path, city, grid_worker):
    rows = [building_row("7栋", sequence="7"), building_row("8栋", sequence="1")]
    job, _ = run_buildings(grid_worker, tmp_path, rows, mode=ImportJob.Mode.VALID_ONLY)
    assert Building.objects.filter(code=GRID_A + "007", name="7栋").exists()
    assert job.errors == [{"row": 3, "column": "楼栋编号", "message": "楼栋编号 1 在该网格中已被使用"}]


def test_a_grid_outside_reach_and_bad_numbers_are_all_reported(tmp_path, city, grid_worker):
    rows = [building_row(grid="420106002001001"), building_row("9栋", units="0", lat="95")]
    job, _ = run_buildings(grid_worker, tmp_path, rows)
    assert job.status == ImportJob.Status.REJECTED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "网格代码"), (3, "纬度"), (3, "单元数")]
    assert Building.objects.count() == 3


def test_a_duplicate_building_name_in_the_grid_is_refused(tmp_path, city, grid_worker):
    job, _ = run_buildings(grid_worker, tmp_path, [building_row("1栋"), building_row("5栋"), building_row("5栋")])
    assert {(e["row"], e["message"]) for e in job.errors} == {
        (2, "该网格已有名为“1栋”的楼栋"), (4, "楼栋名称与第3行重复")}


def test_a_building_import_is_audited_once(tmp_path, city, grid_worker):
    job, _ = run_buildings(grid_worker, tmp_path, [building_row()])
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.changes["households"] == 8
    assert entry.grid_code == job.grid_code


@pytest.mark.parametrize("missing", ["单元数", "每单元户数"])
def test_unit_and_household_columns_are_required(tmp_path, city, grid_worker, missing):
    headers = [h for h in HEADERS if h != missing]
    job, _ = run_job(grid_worker, write_csv(tmp_path, [["x"] * len(headers)], headers=headers),
                     kind=ImportJob.Kind.BUILDINGS)
    assert job.status == ImportJob.Status.REJECTED
    assert missing in job.message
