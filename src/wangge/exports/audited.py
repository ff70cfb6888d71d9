"""The audited export: every export of data about people goes through it.

``audited_export(*, actor, object_type, grid_code, filters, filename, headers, rows) -> StreamingHttpResponse``
    ``core.exports.xlsx_response`` plus one audit entry (action EXPORT) with the filters and the
    exact row count, written after the last row and before the file is complete.

``audited_report(*, actor, object_type, grid_code, filters, filename, spec) -> HttpResponse``
    The same for a report laid out for submission (``core.reports.ReportSpec``): title, unit, date,
    grouped header, totals, footer, print setup.

``ExportSpec`` describes one export so that a request can stream it or the worker can write it to
a file (``exports.services``); ``record_export`` is the audit entry both write.  For residents::

    from wangge.exports.audited import audited_export
    from wangge.people.exports import RESIDENT_EXPORT_HEADERS, resident_export_rows

    qs = resident_queryset(user=request.user, filters=filters)
    return audited_export(
        actor=Actor.from_request(request), object_type="people.resident", grid_code=common_prefix(request.user),
        filters=dataclasses.asdict(filters), filename="居民名单.xlsx",
        headers=RESIDENT_EXPORT_HEADERS, rows=resident_export_rows(qs),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy

from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.exports import report_response, xlsx_response
from wangge.core.reports import ReportSpec


def record_export(*, actor: Actor, object_type: str, grid_code: str, filters: dict[str, Any], filename: str,
                  count: int, complete: bool = True) -> None:
    """The audit entry of one export: its filters, the exact number of rows written, the file name."""
    changes = {"filters": {k: v for k, v in filters.items() if v not in ("", None)}, "rows": count, "file": filename}
    if not complete:
        changes["complete"] = False
    audit.record(actor=actor, action=AuditAction.EXPORT, object_type=object_type, object_repr=filename[:200],
                 grid_code=grid_code, changes=changes)


def audited_export(
    *,
    actor: Actor,
    object_type: str,
    grid_code: str,
    filters: dict[str, Any],
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = gettext_lazy("数据"),
) -> StreamingHttpResponse:
    """An .xlsx download recorded in the audit log with its filters and row count.

    The entry is written after the last row and before the file's closing directory is sent, so a
    downloaded file that opens is always on record; a download the client abandons part-way is
    recorded too, with ``"complete": false`` and the rows sent until then.
    """

    def record(count: int, complete: bool) -> None:
        record_export(actor=actor, object_type=object_type, grid_code=grid_code, filters=filters,
                      filename=filename, count=count, complete=complete)

    return xlsx_response(filename=filename, headers=headers, rows=rows, sheet_title=sheet_title, on_finish=record)


def audited_report(*, actor: Actor, object_type: str, grid_code: str, filters: dict[str, Any], filename: str,
                   spec: ReportSpec) -> HttpResponse:
    """A report laid out for submission (``core.reports``), recorded like every export: one entry with
    its filters and the number of data rows (the totals row not counted), written before the file
    is handed over."""

    def record(count: int, complete: bool) -> None:
        record_export(actor=actor, object_type=object_type, grid_code=grid_code, filters=filters,
                      filename=filename, count=count, complete=complete)

    return report_response(filename=filename, spec=spec, on_finish=record)


@dataclass
class ExportSpec:
    """One export, described so that a request can stream it or the worker can write it to a file.

    ``queryset`` is what the rows are read from (only used to tell whether the export is too big for
    one request); ``rows`` makes the rows, once, when called.
    """

    object_type: str
    grid_code: str
    filters: dict[str, Any]
    filename: str
    headers: Sequence[str]
    rows: Callable[[], Iterable[Sequence[Any]]]
    queryset: Any = None
    sheet_title: str = gettext_lazy("数据")

    def more_rows_than(self, limit: int) -> bool:
        """True when the export has more than ``limit`` rows: a bounded look past it, never COUNT(*)."""
        if self.queryset is None:
            return False
        return self.queryset.order_by()[limit : limit + 1].exists()

    def response(self, actor: Actor) -> StreamingHttpResponse:
        return audited_export(actor=actor, object_type=self.object_type, grid_code=self.grid_code,
                              filters=self.filters, filename=self.filename, headers=self.headers,
                              rows=self.rows(), sheet_title=self.sheet_title)
