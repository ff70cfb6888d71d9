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


def resident_row(household, id_number, *, name="赵敏", sex="男", phone="13912345678", relation="其他",
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


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def text_cell(text: str, ref: str | None = None) -> str:
    """An inline-string cell; without ``ref`` the reader places it after the previous one."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    where = f' r="{ref}"' if ref else ""
    return f'<c{where} t="inlineStr"><is><t xml:space="preserve">{escaped}</t></is></c>'


def sheet_xml(rows: str, *, dimension: str | None = None) -> str:
    """A worksheet part around ``rows`` (``<row>`` elements), with an optional declared range."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main">{declared}<sheetData>{rows}</sheetData></worksheet>')


def table_rows(rows: list[list]) -> str:
    """``<row>`` elements for a header and data rows, every cell with its reference."""
    from openpyxl.utils import get_column_letter

    return "".join(
        f'<row r="{r}">' + "".join(text_cell(v, f"{get_column_letter(c)}{r}") for c, v in enumerate(row, 1)
                                   if v != "") + "</row>"
        for r, row in enumerate(rows, 1)
    )


def write_raw_xlsx(tmp_path: Path, sheet: str | bytes, *, name="raw.xlsx", extra: dict | None = None) -> Path:
    """An .xlsx assembled part by part, so a test can declare what a spreadsheet program never would."""
    import zipfile

    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in {**_XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet, **(extra or {})}.items():
            archive.writestr(part, text)
    return path
