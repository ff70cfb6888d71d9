"""``wangge import_residents`` and ``import_buildings`` run the same service as the page."""

import pytest
from django.core.management import CommandError, call_command

from wangge.audit.models import AuditEntry
from wangge.core.testing.factories import valid_id_number
from wangge.grid.models import Building
from wangge.people.models import ImportJob, Resident
from wangge.people.tests.import_helpers import resident_row, write_csv


def test_the_command_imports_and_prints_progress_and_a_summary(tmp_path, city, grid_worker, capsys):
    household = city["households"]["A"][0]
    path = write_csv(tmp_path, [resident_row(household, valid_id_number(), name="项羽")])
    call_command("import_residents", str(path), user="gw_a")
    out = capsys.readouterr().out
    assert "\r已处理 1/1 行 (100%) 速度" in out
    assert "已完成" in out and "导入 1 行" in out
    assert Resident.objects.filter(name="项羽").exists()
    assert AuditEntry.objects.get(action="import").channel == "cli"


def test_the_command_prints_the_error_rows_and_fails(tmp_path, city, grid_worker, capsys):
    household = city["households"]["A"][0]
    path = write_csv(tmp_path, [resident_row(household, "420106198005170011")])
    with pytest.raises(CommandError, match="有错误，未导入"):
        call_command("import_residents", str(path), user="gw_a", mode="all_or_nothing")
    assert "第2行 [证件号码] 身份证号码校验位错误" in capsys.readouterr().out


def test_valid_only_mode_from_the_command_line(tmp_path, city, grid_worker, capsys):
    household = city["households"]["A"][0]
    path = write_csv(tmp_path, [resident_row(household, "bad"), resident_row(household, valid_id_number())])
    call_command("import_residents", str(path), user="gw_a", mode="valid_only")
    assert ImportJob.objects.get().imported_rows == 1


def test_the_buildings_command_creates_buildings(tmp_path, city, grid_worker, capsys):
    headers = ["网格代码", "楼栋名称", "单元数", "每单元户数"]
    path = write_csv(tmp_path, [["420106001001001", "10栋", "1", "2"]], headers=headers)
    call_command("import_buildings", str(path), user="gw_a")
    assert Building.objects.filter(name="10栋").exists()


def test_an_unknown_user_is_refused(tmp_path, city):
    path = write_csv(tmp_path, [])
    with pytest.raises(CommandError, match="账号不存在"):
        call_command("import_residents", str(path), user="nobody")
