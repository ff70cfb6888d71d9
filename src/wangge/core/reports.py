"""Reports that are sent upward as they are: one sheet laid out as a submitted table, ready to print.

A list is a flat dump streamed by ``core.xlsx`` (any size, one header row).  A report is small (a
row per child area, per facility) and has the layout a street office submits: a title row, meta
lines (reporting unit, date, basis), a two-level header, the rows, a totals row and a footer with
who filled it in.  Every Excel report is described as a ``ReportSpec`` and written here::

    spec = ReportSpec(
        title=format_lazy(gettext_lazy("{area}四类人员日报表"), area=area.name),
        meta=[(gettext_lazy("填报单位"), area.name), (gettext_lazy("日期"), day)],
        columns=[Column(gettext_lazy("区域")), Column(gettext_lazy("现有"), group=label, total=True), ...],
        rows=[...],
        footer=[(gettext_lazy("填报人"), str(user)), (gettext_lazy("审核人"), "")],
    )
    content, count = report_xlsx(spec)

Columns that share a ``group`` next to each other sit under one merged group cell; a column
without a group spans both header rows.  ``total=True`` columns are summed into the totals row (a
callable instead gets the rows and returns the total cell, for a rate).  Labels, the title and meta
labels may be lazy translations: they are resolved while the file is written, in ``language`` when
given (a worker writing for someone) or else the active one.

What people typed is written as text, never as a formula: the rule of ``core.xlsx``
(``FORMULA_PREFIXES``, control characters XML cannot hold become U+FFFD).

Print setup: A4 landscape, fitted to one page wide, the header rows repeated on every page,
centred; the panes are frozen below the header and right of ``frozen_columns``.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wangge.core.xlsx import FORMULA_PREFIXES, ILLEGAL_XML, sheet_name

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center")
_NUMBER = Alignment(horizontal="center", vertical="center")
# 宋体 is what a submitted table is set in; Excel and WPS have it, LibreOffice substitutes a CJK serif.
_FONT = "宋体"
_PLAIN = Font(name=_FONT, size=11)
_BOLD = Font(name=_FONT, size=11, bold=True)
_TITLE = Font(name=_FONT, size=16, bold=True)
_ROW_HEIGHT = 20
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Width in characters: at least a short number, at most a long address.
_MIN_WIDTH, _MAX_WIDTH = 6, 40


@dataclass(frozen=True)
class Column:
    """One column: its label (the lower header row), its ``group`` (the upper, merged over the
    neighbours with the same group), a fixed ``width`` in characters (else fitted to the content),
    and whether the totals row sums it (``True``) or asks ``total(rows)`` for the cell."""

    label: Any
    group: Any = ""
    width: float | None = None
    total: bool | Callable[[list[Sequence[Any]]], Any] = False
    number_format: str | None = None
    centred: bool = False  # text centred like the numbers (a rate written as "33%", a short code)


@dataclass
class ReportSpec:
    """A report: ``title``, ``meta`` lines (label, value) under it, ``columns``, ``rows``, a totals
    row labelled ``totals_label`` (when a column has a total), ``footer`` lines (label, value; an
    empty value is a blank to fill in by hand)."""

    title: Any
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    meta: Sequence[tuple[Any, Any]] = ()
    footer: Sequence[tuple[Any, Any]] = ()
    totals_label: Any = gettext_lazy("合计")
    sheet_title: Any = ""
    frozen_columns: int = 0
    language: str | None = None


@dataclass
class Layout:
    """Where things went in the sheet (1-based rows): for tests and callers that add to it."""

    header_rows: tuple[int, int]
    first_row: int
    last_row: int  # the last data row; first_row - 1 when there are none
    totals_row: int | None
    footer_row: int | None


def basis(day: dt.date, now: dt.datetime | None = None):
    """统计口径 of figures for ``day``: a past day is counted to its end, today as of ``now``."""
    now = timezone.localtime(now or timezone.now())
    if day < now.date():
        return gettext_lazy("截至当日24时")
    return format_lazy(gettext_lazy("截至导出时间 {time}"), time=f"{now:%H:%M}")


def signatures(user) -> list[tuple[Any, Any]]:
    """The footer of a report: who filled it in (the exporting user), the reviewer left blank to sign
    by hand, and the filler's phone when the account has one."""
    return [
        (gettext_lazy("填报人"), str(user)),
        (gettext_lazy("审核人"), ""),
        (gettext_lazy("联系电话"), getattr(user, "phone", "") or ""),
    ]


def neutral(value: Any) -> Any:
    """``value`` as a cell holds it: text is cleaned of what XML cannot hold; everything else as is."""
    if isinstance(value, str):
        return ILLEGAL_XML.sub("\ufffd", value)
    return value


def _put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    *,
    font=None,
    alignment=None,
    border=None,
    number_format: str | None = None,
):
    cell = sheet.cell(row=row, column=column)
    value = neutral(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # shown in local time, as the pages show it
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, str):
        cell.value = value
        # openpyxl reads "=..." as a formula; typed text never is one, and keeps a quote prefix so
        # that editing the cell does not turn it into one either.
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    elif isinstance(value, bool | int | float | Decimal | dt.date):
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = _DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = _DATE_FORMAT
    else:
        cell.value = str(value)
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    return cell


def display_width(value: Any) -> int:
    """How many Latin characters wide ``value`` shows: a CJK character counts two."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def _segments(count: int, width: int) -> list[tuple[int, int]]:
    """``count`` runs of columns (first, last) sharing ``width`` columns as evenly as they can."""
    count = max(1, min(count, width))
    bounds = [round(i * width / count) for i in range(count + 1)]
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(count)]


def _line(sheet: Worksheet, row: int, items: Sequence[tuple[Any, Any]], width: int) -> None:
    """Label：value pairs side by side on one row, each over its share of the columns."""
    for (label, value), (first, last) in zip(items, _segments(len(items), width), strict=False):
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            value = f"{value:%Y-%m-%d %H:%M}"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        text = _("{label}：{value}").format(label=label, value="" if value is None else value)
        _put(sheet, row, first, text, font=_PLAIN, alignment=_LEFT)
        if last > first:
            sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _header(sheet: Worksheet, top: int, columns: Sequence[Column], two_levels: bool) -> None:
    bottom = top + 1 if two_levels else top
    for i, column in enumerate(columns, start=1):
        for r in range(top, bottom + 1):
            sheet.cell(row=r, column=i).border = _BOX
        if not two_levels:
            _put(sheet, top, i, str(column.label), font=_BOLD, alignment=_CENTRE, border=_BOX)
        elif not str(column.group):
            _put(sheet, top, i, str(column.label), font=_BOLD, alignment=_CENTRE, border=_BOX)
            sheet.merge_cells(start_row=top, start_column=i, end_row=bottom, end_column=i)
        else:
            _put(sheet, bottom, i, str(column.label), font=_BOLD, alignment=_CENTRE, border=_BOX)
    if two_levels:
        i = 0
        while i < len(columns):
            group = str(columns[i].group)
            j = i
            while j + 1 < len(columns) and group and str(columns[j + 1].group) == group:
                j += 1
            if group:
                _put(sheet, top, i + 1, group, font=_BOLD, alignment=_CENTRE, border=_BOX)
                if j > i:
                    sheet.merge_cells(start_row=top, start_column=i + 1, end_row=top, end_column=j + 1)
            i = j + 1


def totals_of(columns: Sequence[Column], rows: list[Sequence[Any]]) -> list[Any]:
    """The totals row's values: the sum of each summed column, a callable's answer, else None."""
    totals: list[Any] = []
    for i, column in enumerate(columns):
        if column.total is True:
            totals.append(sum((r[i] or 0) for r in rows))
        elif callable(column.total):
            totals.append(column.total(rows))
        else:
            totals.append(None)
    return totals


def write_report(spec: ReportSpec, out) -> tuple[int, Layout]:
    """Write ``spec`` as .xlsx to the binary file ``out``; returns the number of data rows and the layout."""
    if spec.language:
        with translation.override(spec.language):
            return _write(spec, out)
    return _write(spec, out)


def _write(spec: ReportSpec, out) -> tuple[int, Layout]:
    columns = list(spec.columns)
    width = len(columns)
    rows = [list(r) for r in spec.rows]
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(str(spec.sheet_title or spec.title))

    r = 1
    _put(sheet, r, 1, str(spec.title), font=_TITLE, alignment=Alignment(horizontal="center", vertical="center"))
    sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    sheet.row_dimensions[r].height = 30
    if spec.meta:
        r += 1
        _line(sheet, r, [(str(label), value) for label, value in spec.meta], width)
    two_levels = any(str(c.group) for c in columns)
    top = r + 1
    _header(sheet, top, columns, two_levels)
    header_rows = (top, top + 1 if two_levels else top)
    first = header_rows[1] + 1

    r = first - 1
    for row in rows:
        r += 1
        for i, (value, column) in enumerate(zip(row, columns, strict=False), start=1):
            is_number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            _put(
                sheet,
                r,
                i,
                value,
                font=_PLAIN,
                border=_BOX,
                alignment=_NUMBER if is_number or column.centred else _LEFT,
                number_format=column.number_format,
            )
        for i in range(len(row) + 1, width + 1):
            sheet.cell(row=r, column=i).border = _BOX
        sheet.row_dimensions[r].height = _ROW_HEIGHT
    last = r

    totals_row = None
    if any(c.total for c in columns):
        r += 1
        totals_row = r
        values = totals_of(columns, rows)
        # The label spans the leading columns that hold no total (a code and a name, say).
        lead = next((i for i, c in enumerate(columns) if c.total), width)
        values[0] = str(spec.totals_label)
        for i, (value, column) in enumerate(zip(values, columns, strict=True), start=1):
            _put(
                sheet,
                r,
                i,
                value,
                font=_BOLD,
                border=_BOX,
                alignment=_CENTRE if i == 1 else _NUMBER,
                number_format=column.number_format,
            )
        sheet.row_dimensions[r].height = _ROW_HEIGHT
        if lead > 1:
            sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=lead)

    footer_row = None
    if spec.footer:
        r += 2  # a blank row between the table and the signatures
        footer_row = r
        _line(sheet, r, [(str(label), value) for label, value in spec.footer], width)
        sheet.row_dimensions[r].height = 24

    _widths(sheet, columns, rows, two_levels)
    # By reference: with no rows, the cell there may be inside the merged totals label.
    sheet.freeze_panes = f"{get_column_letter(spec.frozen_columns + 1)}{first}"
    sheet.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    book.save(out)
    return len(rows), Layout(
        header_rows=header_rows, first_row=first, last_row=last, totals_row=totals_row, footer_row=footer_row
    )


def _widths(sheet: Worksheet, columns: Sequence[Column], rows: list[list[Any]], two_levels: bool) -> None:
    for i, column in enumerate(columns):
        if column.width is not None:
            chars = column.width
        else:
            # A group label is shared by its columns; a column's own content is its label and values.
            chars = max([display_width(str(column.label)), *(display_width(r[i]) for r in rows if i < len(r))])
            chars = min(_MAX_WIDTH, max(_MIN_WIDTH, chars + 2))
        sheet.column_dimensions[get_column_letter(i + 1)].width = chars


def report_xlsx(spec: ReportSpec) -> tuple[bytes, int]:
    """The .xlsx file of ``spec`` and its number of data rows."""
    buffer = io.BytesIO()
    count, _layout = write_report(spec, buffer)
    return buffer.getvalue(), count
