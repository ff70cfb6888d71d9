"""A streaming .xlsx writer: rows go out to the client as they are written.

openpyxl builds a whole workbook before the first byte can leave (about 2,000 rows/s through a
page), so every list export is written here instead, as SpreadsheetML straight into a zip stream
(the standard library's ``zipfile`` writes to an unseekable sink with data descriptors).  Cells
hold inline strings, numbers, booleans and dates; there is one sheet with a bold, frozen header.
(A report laid out for submission, a page of rows with a title and totals, is ``core.reports``.)

What people typed is always written as text, never as a formula: a string cell cannot be a
formula, and text that a spreadsheet would run when edited (it begins with = + - @ tab or CR)
also carries ``quotePrefix``.  Control characters XML cannot hold become U+FFFD.

``stream_xlsx(headers=..., rows=..., on_finish=callback)`` yields bytes.  ``on_finish(count,
complete)`` runs after the last row and *before* the zip's central directory is sent, so a
caller that records the export (the audit entry) makes the file readable only once the record
is written; it also runs with ``complete=False`` when the client goes away part-way.

``columns`` (optional, one letter a column: ``t`` text, ``i`` integer, ``d`` date, anything else
any value) says what each column holds, so a row is written with one prepared template and one
check of all its text at once; without it the letters are taken from the first row.  A row that
does not fit its columns (a None, a text that needs escaping or starts like a formula) is written
cell by cell, so the file is the same byte for byte either way.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from operator import itemgetter
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


def _row_xml(number: int, row: Sequence[Any]) -> str:
    """One row, cell by cell: the reference every faster path must match byte for byte."""
    return f'<row r="{number}">{"".join(map(_cell, row))}</row>'


_TEXT_OPEN = '<c t="inlineStr"><is><t xml:space="preserve">'
_CELL_TEMPLATES = {"t": _TEXT_OPEN + "%s</t></is></c>", "i": "<c><v>%d</v></c>", "d": f'<c s="{_DATE}"><v>%d</v></c>'}
# After the newline that joins a row's texts: a text that starts like a formula (tab and CR are
# caught as unprintable).
_FORMULA_AFTER_NEWLINE = re.compile(r"\n[=+\-@]")


def column_kinds(row: Sequence[Any]) -> str:
    """The column letters of ``stream_xlsx`` read off one row (``t`` text, ``i`` integer, ``d`` date)."""
    return "".join({str: "t", int: "i", dt.date: "d"}.get(value.__class__, "-") for value in row)


def row_writer(columns: str) -> Callable[[int, Sequence[Any]], bytes]:
    """``write(number, row)``: the UTF-8 XML of a row of ``columns`` (see the module docstring),
    identical to ``_row_xml``; the kinds are looked at once here, not once a cell.

    A row's texts are checked together, joined by newlines: printable (no control character, no
    U+FFFE/U+FFFF; stricter than XML, so some harmless text only takes the slow path), no & < >,
    none starting like a formula.  They are encoded together too, and go into a bytes template (the
    markup is never widened to the texts' width and encoded again).  Empty texts are written as
    empty cells by a template of their own.
    """
    texts_at = [i for i, kind in enumerate(columns) if kind == "t"]
    ints_at = [i + 1 for i, kind in enumerate(columns) if kind == "i"]
    dates_at = [i + 1 for i, kind in enumerate(columns) if kind == "d"]
    others_at = [i + 1 for i, kind in enumerate(columns) if kind not in _CELL_TEMPLATES]
    # Runs of neighbouring text columns: (first, last + 1) in the values, then in the texts.
    runs: list[tuple[int, int, int, int]] = []
    for k, i in enumerate(texts_at):
        if runs and runs[-1][1] == i + 1:
            start, _end, first, _last = runs[-1]
            runs[-1] = (start, i + 2, first, k + 1)
        else:
            runs.append((i + 1, i + 2, k, k + 1))
    cells = [_CELL_TEMPLATES.get(kind, "%s") for kind in columns]
    template = ('<row r="%d">' + "".join(cells) + "</row>").encode()
    with_empties: dict[tuple[bool, ...], bytes] = {}

    def template_for(empty: tuple[bool, ...]) -> bytes:
        # The empty texts' cells become "<c/>" followed by their (empty) value.
        found = with_empties.get(empty)
        if found is None:
            marked = list(cells)
            for i, is_empty in zip(texts_at, empty, strict=True):
                if is_empty:
                    marked[i] = "<c/>%s"
            found = with_empties[empty] = ('<row r="%d">' + "".join(marked) + "</row>").encode()
        return found

    width, newlines = len(columns), max(len(texts_at) - 1, 0)  # a text's own line break takes the slow path
    if len(texts_at) > 1:
        texts_of = itemgetter(*texts_at)
    else:
        texts_of = (lambda row: (row[texts_at[0]],)) if texts_at else (lambda row: ())
    formula_after_newline, formula_first = _FORMULA_AFTER_NEWLINE.search, _FORMULA_FIRST
    epoch, date, cell, is_empty = _EPOCH_ORDINAL, dt.date, _cell, operator.not_

    def slow(number: int, row: Sequence[Any]) -> bytes:
        return _row_xml(number, row).encode()

    def write(number: int, row: Sequence[Any]) -> bytes:
        if len(row) != width:
            return slow(number, row)
        texts = texts_of(row)
        try:
            joined = "\n".join(texts)
        except TypeError:  # a text column holding something else (None)
            return slow(number, row)
        if (joined.count("\n") != newlines or joined[:1] in formula_first
                or "&" in joined or "<" in joined or ">" in joined
                or not joined.replace("\n", " ").isprintable() or formula_after_newline(joined)):
            return slow(number, row)
        values = [number, *row]
        for i in ints_at:
            if values[i].__class__ is not int:
                return slow(number, row)
        for i in dates_at:
            if values[i].__class__ is not date:
                return slow(number, row)
            values[i] = values[i].toordinal() - epoch
        for i in others_at:
            values[i] = cell(values[i]).encode()
        encoded = joined.encode().split(b"\n")
        for start, end, first, last in runs:
            values[start:end] = encoded[first:last]
        if "" in texts:
            empty = tuple(map(is_empty, texts))
            return (with_empties.get(empty) or template_for(empty)) % tuple(values)
        return template % tuple(values)

    return write


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
    columns: str | None = None,
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
            buffer: list[bytes] = []
            write = row_writer(columns) if columns is not None else None
            for row in rows:
                if count >= MAX_ROWS:
                    break
                count += 1
                if write is None:
                    write = row_writer(column_kinds(row))
                buffer.append(write(count + 1, row))
                if len(buffer) >= 200:
                    member.write(b"".join(buffer))
                    buffer.clear()
                    if sink.size >= _FLUSH_BYTES:
                        yield sink.take()
            member.write(b"".join(buffer) + b"</sheetData></worksheet>")
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
    on_finish: Callable[[int, bool], None] | None = None, columns: str | None = None,
) -> int:
    """Write the whole file to the binary file ``out``; returns the number of data rows.

    ``on_finish`` runs as in ``stream_xlsx``: after the last row, before the file is complete.
    """
    counted: list[int] = []

    def finish(count: int, complete: bool) -> None:
        counted.append(count)
        if on_finish is not None:
            on_finish(count, complete)

    for chunk in stream_xlsx(headers=headers, rows=rows, sheet_title=sheet_title, on_finish=finish, columns=columns):
        out.write(chunk)
    return counted[0]
