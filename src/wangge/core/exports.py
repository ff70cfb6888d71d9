"""Export of any list to .xlsx, and the audited wrapper every export of personal data goes through.

Two functions for views:

``xlsx_response(*, filename, headers, rows, sheet_title="数据") -> StreamingHttpResponse``
    Streams ``headers`` (column labels) and ``rows`` (any iterable of tuples, consumed once) to the
    client as they are written (``core.xlsx``), so the first byte leaves at once and a large
    queryset iterated with ``.iterator()`` never sits in memory.  Text is always text, never a
    formula.  Not audited: use it for non-personal lists.

``audited_export(*, actor, object_type, grid_code, filters, filename, headers, rows) -> StreamingHttpResponse``
    The same, plus one audit entry (action EXPORT) with the filters and the exact row count, written
    after the last row and before the file is complete.  Every export of data about people must use it.

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

from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from django.http import StreamingHttpResponse

from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.xlsx import stream_xlsx, write_xlsx  # noqa: F401  (write_xlsx: for exports written to a file)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


def xlsx_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "数据",
    on_finish=None,
) -> StreamingHttpResponse:
    """An .xlsx download of ``rows`` under ``headers``, streamed as it is written (not audited)."""
    response = StreamingHttpResponse(
        stream_xlsx(headers=headers, rows=rows, sheet_title=sheet_title, on_finish=on_finish),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition(filename)
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
) -> StreamingHttpResponse:
    """An .xlsx download recorded in the audit log with its filters and row count.

    The entry is written after the last row and before the file's closing directory is sent, so a
    downloaded file that opens is always on record; a download the client abandons part-way is
    recorded too, with ``"complete": false`` and the rows sent until then.
    """

    def record(count: int, complete: bool) -> None:
        changes = {"filters": {k: v for k, v in filters.items() if v not in ("", None)}, "rows": count,
                   "file": filename}
        if not complete:
            changes["complete"] = False
        audit.record(actor=actor, action=AuditAction.EXPORT, object_type=object_type, object_repr=filename[:200],
                     grid_code=grid_code, changes=changes)

    return xlsx_response(filename=filename, headers=headers, rows=rows, sheet_title=sheet_title, on_finish=record)


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
