"""A streaming .xlsx writer: rows go out to the client as they are written.

openpyxl builds a whole workbook before the first byte can leave (about 2,000 rows/s through a
page), so every export is written here instead, as SpreadsheetML straight into a zip stream
(the standard library's ``zipfile`` writes to an unseekable sink with data descriptors).  Cells
hold inline strings, numbers, booleans and dates; there is one sheet with a bold, frozen header.

What people typed is always written as text, never as a formula: a string cell cannot be a
formula, and text that a spreadsheet would run when edited (it begins with = + - @ tab or CR)
also carries ``quotePrefix``.  Control characters XML cannot hold become U+FFFD.

``stream_xlsx(headers=..., rows=..., on_finish=callback)`` yields bytes.  ``on_finish(count,
complete)`` runs after the last row and *before* the zip's central directory is sent, so a
caller that records the export (the audit entry) makes the file readable only once the record
is written; it also runs with ``complete=False`` when the client goes away part-way.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

# Excel's hard limit, less the header row.
MAX_ROWS = 1_048_575
# Text starting with one of these is read as a formula by Excel, LibreOffice or WPS (CSV/DDE injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 cannot hold.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_EPOCH = dt.datetime(1899, 12, 30)
_EPOCH_ORDINAL = _EPOCH.toordinal()
# Style indexes in STYLES below.
_BOLD, _DATE, _DATETIME, _TEXT = 1, 2, 3, 4
_FLUSH_BYTES = 64 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews>"
)


# Anything in text that XML needs escaped or cannot hold; most text has none, and skips the work.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_FIRST = frozenset("".join(FORMULA_PREFIXES))


def _escape(text: str) -> str:
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub("\ufffd", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_cell(text: str, style: int = 0) -> str:
    if not style and text[:1] in _FORMULA_FIRST:
        style = _TEXT
    s = f' s="{style}"' if style else ""
    return f'<c t="inlineStr"{s}><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def _cell(value: Any) -> str:
    # The hot path of every export: plain text first, without a call.
    if value.__class__ is str:
        if not value:
            return "<c/>"
        if value[0] in _FORMULA_FIRST or _SPECIAL.search(value):
            return _text_cell(value)
        return '<c t="inlineStr"><is><t xml:space="preserve">' + value + "</t></is></c>"
    if value is None:
        return "<c/>"
    cls = value.__class__
    if cls is int:
        return f"<c><v>{value}</v></c>"
    if cls is dt.date:
        return f'<c s="{_DATE}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, dt.datetime):
        # Shown in local time, as the pages show it.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c s="{_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c s="{_DATE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    return _cell(str(value)) if isinstance(value, str) else _text_cell(str(value))


def _column_widths(headers: Sequence[str]) -> str:
    # A CJK character is about two Latin ones wide; at least 10 so dates and codes fit.
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{max(10, min(40, 2 * len(str(h)) + 4))}" customWidth="1"/>'
        for i, h in enumerate(headers, start=1)
    )
    return f"<cols>{cols}</cols>" if cols else ""


def sheet_name(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", ILLEGAL_XML.sub("", str(title))).strip("' ")[:31]
    return cleaned or "数据"


class _Sink:
    """An unseekable file zipfile writes into; the generator drains it."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def stream_xlsx(
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "数据",
    on_finish: Callable[[int, bool], None] | None = None,
) -> Iterator[bytes]:
    """Yield an .xlsx file of ``rows`` under ``headers``, chunk by chunk (see the module docstring)."""
    sink = _Sink()
    count = 0
    reported = closed = False
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
    try:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        name = _escape(sheet_name(sheet_title)).replace('"', "&quot;")
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=name))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            header = "".join(_text_cell(str(h), _BOLD) for h in headers)
            member.write(f'{SHEET_HEAD}{_column_widths(headers)}<sheetData><row r="1">{header}</row>'.encode())
            buffer: list[str] = []
            for row in rows:
                if count >= MAX_ROWS:
                    break
                count += 1
                buffer.append(f'<row r="{count + 1}">{"".join(map(_cell, row))}</row>')
                if len(buffer) >= 200:
                    member.write("".join(buffer).encode())
                    buffer.clear()
                    if sink.size >= _FLUSH_BYTES:
                        yield sink.take()
            member.write(("".join(buffer) + "</sheetData></worksheet>").encode())
        reported = True
        if on_finish is not None:
            on_finish(count, True)
        archive.close()
        closed = True
        yield sink.take()
    except GeneratorExit:
        # The client went away part-way: what was sent is still recorded.
        if not reported and on_finish is not None:
            on_finish(count, False)
        raise
    finally:
        if not closed:
            archive.fp = None  # no central directory for a file that failed or a client that left


def write_xlsx(
    out, *, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "数据",
    on_finish: Callable[[int, bool], None] | None = None,
) -> int:
    """Write the whole file to the binary file ``out``; returns the number of data rows.

    ``on_finish`` runs as in ``stream_xlsx``: after the last row, before the file is complete.
    """
    counted: list[int] = []

    def finish(count: int, complete: bool) -> None:
        counted.append(count)
        if on_finish is not None:
            on_finish(count, complete)

    for chunk in stream_xlsx(headers=headers, rows=rows, sheet_title=sheet_title, on_finish=finish):
        out.write(chunk)
    return counted[0]
