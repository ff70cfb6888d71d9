"""Export of any list to .xlsx.

``xlsx_response(*, filename, headers, rows, sheet_title="数据") -> StreamingHttpResponse``
    Streams ``headers`` (column labels) and ``rows`` (any iterable of tuples, consumed once) to the
    client as they are written (``core.xlsx``), so the first byte leaves at once and a large
    queryset iterated with ``.iterator()`` never sits in memory.  Text is always text, never a
    formula.  Not audited: use it for non-personal lists.

Every export of data about people goes through ``audit.exports.audited_export``, which wraps this
one and records the export; residents' rows come from ``people.exports.resident_export_rows``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import StreamingHttpResponse

from wangge.core.xlsx import stream_xlsx, write_xlsx  # noqa: F401  (write_xlsx: for exports written to a file)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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
