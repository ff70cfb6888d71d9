"""Export of any list to .xlsx, and the audited wrapper every export of personal data goes through.

Two functions for views:

``xlsx_response(*, filename, headers, rows, sheet_title="数据") -> HttpResponse``
    Writes ``headers`` (column labels) and ``rows`` (any iterable of tuples, consumed once, streamed
    into openpyxl's write-only mode, so a large queryset iterated with ``.iterator()`` never sits in
    memory as objects) and returns the download.  Not audited: use it for non-personal lists.

``audited_export(*, actor, object_type, grid_code, filters, filename, headers, rows) -> HttpResponse``
    The same, plus one audit entry (action EXPORT) with the filters and the exact row count, written
    after the rows were produced.  Every export of data about people must use it.

For residents, ``resident_export_rows(queryset)`` yields rows under ``RESIDENT_EXPORT_HEADERS`` with
ID numbers and phones masked (an export is a list, and lists are masked)::

    from wangge.core.exports import RESIDENT_EXPORT_HEADERS, audited_export, resident_export_rows

    qs = resident_queryset(user=request.user, filters=filters)
    return audited_export(
        actor=Actor.from_request(request), object_type="people.resident", grid_code=common_prefix(request.user),
        filters=dataclasses.asdict(filters), filename="居民名单.xlsx",
        headers=RESIDENT_EXPORT_HEADERS, rows=resident_export_rows(qs),
    )
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils import timezone

from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's hard limit, less the header row.
MAX_ROWS = 1_048_575

# Control characters XML 1.0 cannot hold; openpyxl refuses them (IllegalCharacterError).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

RESIDENT_EXPORT_HEADERS = [
    "居民编号", "姓名", "性别", "出生日期", "证件类型", "证件号码", "手机号", "与户主关系", "人口类型",
    "户编码", "地址", "网格代码", "重点人群",
]


def content_disposition(filename: str) -> str:
    """An attachment header that keeps a Chinese file name in every browser (RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.xlsx"
    if ascii_name.startswith("."):
        ascii_name = "export" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


# Text starting with one of these is read as a formula by Excel, LibreOffice or WPS (CSV/DDE injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return _ILLEGAL_XML.sub("\ufffd", value) if _ILLEGAL_XML.search(value) else value
    if isinstance(value, dt.datetime):
        # openpyxl cannot store aware datetimes; show local time as the pages do.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, str | int | float | dt.date | bool):
        return value
    return str(value)


class _Counted:
    def __init__(self, rows: Iterable[Sequence[Any]]):
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def write_xlsx(out, *, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "数据") -> int:
    """Write the sheet to the binary file ``out``; returns the number of data rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)

    def as_text(value: str, **style) -> WriteOnlyCell:
        # Every export writes what people typed as text, never as a formula: the cell is a string
        # cell, and quotePrefix tells Excel to keep it text even when someone edits it later.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
        for name, attr in style.items():
            setattr(cell, name, attr)
        return cell

    sheet.append([as_text(_cell(str(label)), font=bold) for label in headers])
    count = 0
    for row in rows:
        if count >= MAX_ROWS:
            break
        values = [_cell(v) for v in row]
        sheet.append([as_text(v) if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v for v in values])
        count += 1
    workbook.save(out)
    return count


def _xlsx_file_response(*, filename: str, headers, rows, sheet_title: str) -> tuple[FileResponse, int]:
    # FileResponse closes the file once it is sent.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    count = write_xlsx(spool, headers=headers, rows=rows, sheet_title=sheet_title)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response, count


def xlsx_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "数据"
) -> HttpResponse:
    """An .xlsx download of ``rows`` under ``headers`` (not audited; see ``audited_export``)."""
    response, _count = _xlsx_file_response(filename=filename, headers=headers, rows=rows, sheet_title=sheet_title)
    return response


def audited_export(
    *,
    actor: Actor,
    object_type: str,
    grid_code: str,
    filters: dict[str, Any],
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "数据",
) -> HttpResponse:
    """An .xlsx download recorded in the audit log with its filters and row count."""
    counted = _Counted(rows)
    response, count = _xlsx_file_response(filename=filename, headers=headers, rows=counted, sheet_title=sheet_title)
    audit.record(
        actor=actor, action=AuditAction.EXPORT, object_type=object_type, object_repr=filename[:200],
        grid_code=grid_code, changes={"filters": {k: v for k, v in filters.items() if v not in ("", None)},
                                      "rows": count, "file": filename},
    )
    return response


def resident_export_rows(queryset) -> Iterator[tuple]:
    """Rows for ``RESIDENT_EXPORT_HEADERS`` with ID numbers and phones masked, streamed in chunks."""
    from wangge.people.models import ResidentTag

    qs = queryset.select_related("household")
    batch: list = []

    def emit(residents):
        tags: dict[int, list[str]] = {}
        links = ResidentTag.objects.filter(resident_id__in=[r.pk for r in residents]).select_related("tag")
        for link in links.order_by("tag__sort_order"):
            tags.setdefault(link.resident_id, []).append(link.tag.name)
        for r in residents:
            yield (
                r.pk, r.name, r.get_sex_display(), r.birth_date, r.get_id_type_display(), r.id_number_masked,
                r.phone_masked, r.get_relation_display(), r.get_residence_type_display(), r.household.code,
                r.household.address, r.grid_code, "、".join(tags.get(r.pk, [])),
            )

    for resident in qs.iterator(chunk_size=2000):
        batch.append(resident)
        if len(batch) >= 2000:
            yield from emit(batch)
            batch = []
    if batch:
        yield from emit(batch)
