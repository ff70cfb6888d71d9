"""Import test files built in code (never binary fixtures), and a job runner for the tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

from wangge.people.imports import run_import_job
from wangge.people.models import ImportJob

RESIDENT_HEADERS = ["户编码", "姓名", "性别", "证件类型", "证件号码", "手机号", "与户主关系", "人口类型", "重点人群",
                    "出生日期", "备注"]


def resident_row(household, id_number, *, name="赵敏", sex="男", phone="13912345678", relation="户主",
                 residence="户籍", tags="", birth="", note="") -> list[str]:
    code = household if isinstance(household, str) else household.code
    return [code, name, sex, "居民身份证", id_number, phone, relation, residence, tags, birth, note]


def csv_bytes(rows: list[list], *, headers=RESIDENT_HEADERS, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def write_csv(tmp_path: Path, rows: list[list], *, headers=RESIDENT_HEADERS, encoding="utf-8", name="r.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, headers=headers, encoding=encoding))
    return path


def write_xlsx(tmp_path: Path, rows: list[list], *, headers=RESIDENT_HEADERS, name="r.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run_job(user, path: Path, *, kind=ImportJob.Kind.RESIDENTS, mode=ImportJob.Mode.ALL_OR_NOTHING, actor=None):
    from wangge.accounts.services import common_prefix

    job = ImportJob.objects.create(kind=kind, mode=mode, file_name=path.name, file_path=str(path),
                                   grid_code=common_prefix(user), created_by=user)
    result = run_import_job(job.pk, actor=actor)
    job.refresh_from_db()
    return job, result
