"""Importing residents and buildings from spreadsheets (.xlsx, .xls, CSV in UTF-8/UTF-8 BOM/GBK).

One service, three callers: the import page (through the Huey task in ``people.tasks``), the task
itself and the ``import_residents`` / ``import_buildings`` commands all call ``run_import_job``,
which dispatches to ``import_residents`` or ``import_buildings``.

An import runs in two phases:

1. *Validate*: every row is read, checked with the same rules as the form and the API
   (``people.validation.clean_resident_fields``), against the importer's reach, against the rest
   of the file and against the database.  Every bad row is reported (row number as the user sees
   it in the spreadsheet, the Chinese column header and the reason); valid rows are spooled in
   PostgreSQL ``COPY`` text format (or kept as tuples on SQLite).
2. *Write*: in ONE transaction the valid rows are written (``COPY`` on PostgreSQL,
   ``bulk_create`` on SQLite), tags linked, the denormalised counts recounted and one audit entry
   recorded.  In all-or-nothing mode any bad row stops the import before phase 2.  A failure in
   phase 2 rolls everything back, so the database is exactly as it was.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import logging
import multiprocessing
import os
import pickle
import queue
import re
import signal
import socket
import stat
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.permissions import require
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import GRID_CODE_LENGTH, HOUSEHOLD_CODE_LENGTH, MAX_CODE_LENGTH, grid_code_of, is_household_code
from wangge.core.errors import Forbidden, NotFound
from wangge.grid.models import Building, Grid, Household, Unit
from wangge.people import sheet_guard
from wangge.people.models import ImportJob, Resident, ResidentTag
from wangge.people.selectors import tag_lookup
from wangge.people.services import households_with_head, second_head_refusal
from wangge.people.validation import clean_resident_fields, duplicate_id_number_refusal

log = logging.getLogger(__name__)

# Errors kept on the job for display; ``error_count`` stays exact beyond it.
ERROR_DETAIL_LIMIT = 1000
# A cell longer than this is a row error (nothing the importer stores is near it in length).
MAX_CELL_CHARS = 10_000
PROGRESS_EVERY = 5000
ENCODING_ERROR = gettext_lazy("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")
ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}

# The csv module refuses fields over 128 KiB by raising mid-file; let them through and report
# an over-long cell as that row's error instead.
csv.field_size_limit(64 * 1024 * 1024)

ProgressCallback = Callable[[int, int], None]


# --- Columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""


RESIDENT_COLUMNS = [
    Column("household_code", "户编码", True, ("户编号", "户代码"), "420106001001001001010001"),
    Column("name", "姓名", True, (), "张伟"),
    Column("sex", "性别", False, (), "男"),
    Column("id_type", "证件类型", False, (), "居民身份证"),
    Column("id_number", "证件号码", True, ("身份证号", "身份证号码", "公民身份号码", "证件号"),
           "420106198005170015"),
    Column("phone", "手机号", False, ("手机号码", "联系电话", "电话"), "13800138000"),
    Column("relation", "与户主关系", False, ("关系",), "户主"),
    Column("residence_type", "人口类型", False, ("居住类型",), "户籍"),
    Column("tags", "重点人群", False, ("重点人群标签",), "慢性病患者、独居老人"),
    Column("birth_date", "出生日期", False, (), "1980-05-17"),
    Column("note", "备注", False, (), ""),
]

BUILDING_COLUMNS = [
    Column("grid_code", "网格代码", True, ("网格编码",), "420106001001001"),
    Column("name", "楼栋名称", True, ("楼栋", "楼栋名"), "3栋"),
    Column("sequence", "楼栋编号", False, ("楼栋序号",), ""),
    Column("address", "地址", False, ("楼栋地址",), "中北路88号3栋"),
    Column("lat", "纬度", False, (), "30.5520"),
    Column("lng", "经度", False, (), "114.3310"),
    Column("floors", "层数", False, ("楼层数",), "6"),
    Column("units", "单元数", True, (), "2"),
    Column("households_per_unit", "每单元户数", True, ("每单元户", "户数"), "12"),
]

COLUMNS = {ImportJob.Kind.RESIDENTS: RESIDENT_COLUMNS, ImportJob.Kind.BUILDINGS: BUILDING_COLUMNS}


def _normalise_header(text: Any) -> str:
    return re.sub(r"[\s*＊]", "", str(text or "")).replace("（必填）", "").replace("(必填)", "")


def map_columns(headers: list[Any], columns: list[Column]) -> dict[str, int]:
    """Column key -> index in the row; unknown headers are ignored, missing required ones refused."""
    by_name: dict[str, Column] = {}
    for column in columns:
        by_name[column.header] = column
        for alias in column.aliases:
            by_name[alias] = column
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = by_name.get(_normalise_header(header))
        if column is not None and column.key not in mapping:
            mapping[column.key] = index
    missing = [c.header for c in columns if c.required and c.key not in mapping]
    if missing:
        raise FileProblem(_("缺少必需的列：%(columns)s") % {"columns": "、".join(missing)},
                          columns=missing, code="import_missing_columns")
    return mapping


# --- Results -------------------------------------------------------------------------------------


class FileProblem(Exception):
    """The file as a whole cannot be imported (encoding, format, size, header); message in Chinese."""

    def __init__(self, message: str, *, columns: list[str] | None = None, code: str = "import_file_invalid"):
        super().__init__(message)
        self.message = message
        self.columns = columns or []
        self.code = code


@dataclass
class ImportResult:
    status: str
    code: str = ""  # why a file was refused or failed as a whole (FileProblem.code), else empty
    total_rows: int = 0
    imported_rows: int = 0
    error_rows: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)
    message: str = ""
    extra: dict = field(default_factory=dict)


class ErrorReport:
    """Every row error, counted exactly; the first ``limit`` by row number kept for display."""

    def __init__(self, limit: int = ERROR_DETAIL_LIMIT):
        self.limit = limit
        self.count = 0
        self.rows: set[int] = set()
        self.items: list[dict] = []

    def add(self, row: int, column: str, message: str, *, code: str = "") -> None:
        self.count += 1
        self.rows.add(row)
        item = {"row": row, "column": column, "message": message}
        if code:  # a rule's stable code (``household_has_head``), for callers and tests to rely on
            item["code"] = code
        self.items.append(item)
        if len(self.items) > 2 * self.limit:
            self._trim()

    def _trim(self) -> None:
        self.items.sort(key=itemgetter("row"))
        del self.items[self.limit:]

    def details(self) -> list[dict]:
        self._trim()
        return self.items


# --- Reading -------------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    estimated_rows: int
    rows: Iterator[tuple[int, list[str]]]  # (row number as the user sees it, cells as text)


def detect_encoding(path: Path) -> tuple[str, int]:
    """Encoding of a CSV file (BOM -> utf-8-sig, else strict UTF-8, else GBK) and its line count."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if b"\x00" in head:
        raise FileProblem(str(ENCODING_ERROR), code="import_encoding")
    candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "gbk"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        lines = 0
        try:
            with open(path, "rb") as f:
                while chunk := f.read(4 * 1024 * 1024):
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, lines
    raise FileProblem(str(ENCODING_ERROR), code="import_encoding")


def _csv_table(path: Path) -> Table:
    encoding, lines = detect_encoding(path)

    def rows() -> Iterator[tuple[int, list[str]]]:
        with open(path, encoding=encoding, newline="") as f:
            reader = csv.reader(f)
            try:
                next(reader, None)
                yield from enumerate(reader, start=2)
            except csv.Error as exc:
                raise FileProblem(_("CSV 文件格式有误（第%(line)s行附近）：%(problem)s")
                                  % {"line": reader.line_num, "problem": exc},
                                  code="import_csv_invalid") from None

    with open(path, encoding=encoding, newline="") as f:
        try:
            headers = next(csv.reader(f), None)
        except csv.Error as exc:
            raise FileProblem(_("CSV 文件格式有误：%(problem)s") % {"problem": exc},
                              code="import_csv_invalid") from None
    if not headers:
        raise FileProblem(_("文件是空的，第一行应为列名"), code="import_empty")
    return Table(headers=headers, estimated_rows=max(lines - 1, 0), rows=rows())


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _excel_table(path: Path) -> Table:
    import python_calamine

    try:
        sheet_guard.check_workbook(path)
    except sheet_guard.UnsafeWorkbook as refused:
        raise FileProblem(refused.message, code=refused.code) from None
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        first_row = sheet.start[0] if sheet.start else 0
        iterator = sheet.iter_rows()
        headers = next(iterator, None)
    except Exception as exc:  # calamine raises several types for a broken or foreign file
        raise FileProblem(sheet_guard.UNREADABLE, code="import_file_unreadable") from exc
    if not headers or not any(str(h).strip() for h in headers):
        raise FileProblem(_("文件是空的，第一行应为列名"), code="import_empty")
    headers = [_cell_text(h) for h in headers]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(iterator, start=first_row + 2):
            yield number, [c if isinstance(c, str) else _cell_text(c) for c in cells]

    return Table(headers=headers, estimated_rows=max(sheet.height - 1, 0), rows=rows())


def read_table(path: str | Path) -> Table:
    """The header row and a stream of data rows of the first sheet of an .xlsx/.xls or a CSV file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise FileProblem(_("只支持 .xlsx 或 .csv 文件"), code="import_file_type")
    if not path.exists():
        raise FileProblem(_("上传的文件已不存在，请重新上传"), code="import_file_missing")
    if suffix == ".csv":
        return _csv_table(path)
    return _excel_table(path)


def _row_cells(cells: list[str], width: int) -> list[str]:
    return cells if len(cells) >= width else cells + [""] * (width - len(cells))


# --- Residents -----------------------------------------------------------------------------------

_RESIDENT_FIELDS = ["household_id", "grid_code", "name", "sex", "birth_date", "id_type", "id_number", "id_tail",
                    "phone", "relation", "residence_type", "note", "created_at", "updated_at"]
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_HEADER_OF = {c.key: c.header for c in RESIDENT_COLUMNS}
# Control characters in free text: NUL cannot be stored in PostgreSQL at all (the whole write would
# fail), and none of them belongs in a name, address or note.  Tabs and line breaks are allowed.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FREE_TEXT = ("name", "note")
CONTROL_ERROR = gettext_lazy("含有不可见的控制字符（如 NUL），请检查")


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


class _ResidentSink:
    """SQLite: valid rows held until every row is checked, then written in one short transaction.

    SQLite has one writer at a time, so the write lock is taken only for the write itself, never
    for the minutes a large file takes to check.
    """

    def __init__(self):
        self.count = 0
        self.tagged = 0
        self.households: Counter[int] = Counter()
        self.grids: Counter[str] = Counter()
        self.rows: list[tuple] = []

    def add_many(self, rows: list[tuple]) -> None:
        """``rows``: (household_id, grid_code, clean values, tag ids)."""
        self.count += len(rows)
        for household_id, grid_code, _values, _tags in rows:
            self.households[household_id] += 1
            self.grids[grid_code] += 1
        self.rows.extend(rows)

    def write(self) -> None:
        residents, tag_sets = [], []
        for household_id, grid_code, v, tags in self.rows:
            values = {k: v[k] for k in ("name", "sex", "id_type", "id_number", "phone", "relation",
                                        "residence_type")}
            residents.append(Resident(
                household_id=household_id, grid_code=grid_code, birth_date=v.get("birth_date"),
                id_tail=v["id_number"][-4:], note=v.get("note", ""), **values,
            ))
            tag_sets.append(tags)
        Resident.objects.bulk_create(residents, batch_size=500)
        links = [
            ResidentTag(resident_id=r.pk, tag_id=t, grid_code=r.grid_code)
            for r, tags in zip(residents, tag_sets, strict=True) for t in tags
        ]
        self.tagged = len(links)
        ResidentTag.objects.bulk_create(links, batch_size=500)


class _Batch(NamedTuple):
    """Checked rows as columns: only what the PostgreSQL writer needs, cheap to send between processes."""

    rows: list[int]  # row numbers as the user sees them
    household_ids: list[int]
    grid_codes: list[str]
    id_types: list[str]
    id_numbers: list[str]
    lines: list[str]  # COPY lines for people_resident
    tag_lines: list[tuple[int, list[str]]]  # (index in the batch, its tag lines), rows with tags only
    heads: list[int]  # indices in the batch of the rows that say they are a household's head (户主)
    unstated: list[int]  # indices of the rows that leave the relation blank (their lines say 其他 so far)

    def subset(self, keep: list[int]) -> _Batch:
        tags = dict(self.tag_lines)
        heads, unstated = set(self.heads), set(self.unstated)
        return _Batch(
            [self.rows[i] for i in keep], [self.household_ids[i] for i in keep], [self.grid_codes[i] for i in keep],
            [self.id_types[i] for i in keep], [self.id_numbers[i] for i in keep], [self.lines[i] for i in keep],
            [(n, tags[i]) for n, i in enumerate(keep) if i in tags], [n for n, i in enumerate(keep) if i in heads],
            [n for n, i in enumerate(keep) if i in unstated],
        )


def _batch(chunk: list[tuple[int, tuple]]) -> _Batch:
    """A chunk from ``_checked_chunks`` (formatted for COPY) as a ``_Batch``."""
    items = [item for _row, item in chunk]
    return _Batch(
        [row for row, _item in chunk], [item[0] for item in items], [item[1] for item in items],
        [item[2]["id_type"] for item in items], [item[2]["id_number"] for item in items],
        [item[4] for item in items], [(n, item[5]) for n, item in enumerate(items) if item[5]],
        [n for n, item in enumerate(items) if item[2]["relation"] == Resident.Relation.HEAD],
        [n for n, item in enumerate(items) if item[2]["relation"] is None],
    )


class _PostgresResidentWriter:
    """PostgreSQL: valid rows streamed with ``COPY`` chunk by chunk while later rows are still checked.

    The server maintains the residents table's indexes on its own core while this process checks
    the next chunk, so the import runs at the pace of the slower of the two, not their sum.
    """

    def __init__(self, cursor):
        self.cursor = cursor
        self.count = 0
        self.tagged = 0
        self.households: Counter[int] = Counter()
        self.grids: Counter[str] = Counter()
        self.tag_lines: list[str] = []
        table = Resident._meta.db_table
        columns = ", ".join(Resident._meta.get_field(f).column for f in _RESIDENT_FIELDS)
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

    def add_batch(self, batch: _Batch) -> None:
        if not batch.rows:
            return
        self.count += len(batch.rows)
        self.households.update(batch.household_ids)
        self.grids.update(batch.grid_codes)
        for _index, tag_lines in batch.tag_lines:
            self.tag_lines.extend(tag_lines)
        with self.cursor.copy(self.copy_sql) as copy:
            copy.write("\n".join(batch.lines) + "\n")

    def write_tags(self) -> None:
        """Link tags once every resident has its id: one COPY into a scratch table and one join."""
        if not self.tag_lines:
            return
        self.tagged = len(self.tag_lines)
        self.cursor.execute(
            "CREATE TEMP TABLE wangge_import_tags (id_type varchar(20), id_number varchar(30), "
            f"tag_id bigint, grid_code varchar({GRID_CODE_LENGTH})) ON COMMIT DROP"
        )
        with self.cursor.copy("COPY wangge_import_tags FROM STDIN") as copy:
            copy.write("\n".join(self.tag_lines) + "\n")
        self.cursor.execute(
            f"INSERT INTO {ResidentTag._meta.db_table} (resident_id, tag_id, grid_code) "
            f"SELECT r.id, t.tag_id, t.grid_code FROM wangge_import_tags t "
            f"JOIN {Resident._meta.db_table} r ON r.id_type = t.id_type AND r.id_number = t.id_number"
        )
        self.cursor.execute("DROP TABLE wangge_import_tags")


def copy_formatter() -> Callable[[int, str, dict, tuple], tuple[str, list[str]]]:
    """Turns a checked row into its ``COPY`` text line (and its tag lines) for people_resident.

    Called in the checker thread, so the writer only has to send bytes.  A blank relation is
    written as 其他 here; the writer, which alone knows whether the household has a head, rewrites
    the line of a row that makes one (``_as_head``).
    """
    now = timezone.now().isoformat()

    def format_row(household_id: int, grid_code: str, v: dict, tags) -> tuple[str, list[str]]:
        number = v["id_number"]
        birth = v.get("birth_date")
        line = "\t".join((
            str(household_id), grid_code, _copy_text(v["name"]), v["sex"],
            birth.isoformat() if birth else "\\N", v["id_type"], _copy_text(number), _copy_text(number[-4:]),
            v["phone"], v["relation"] or Resident.Relation.OTHER, v["residence_type"], _copy_text(v.get("note", "")),
            now, now,
        ))
        tag_lines = [f"{v['id_type']}\t{_copy_text(number)}\t{tag_id}\t{grid_code}" for tag_id in tags]
        return line, tag_lines

    return format_row


def _households_in_reach(user) -> dict[str, tuple[int, str]]:
    """Household code -> (id, grid code) for every household the importer reaches: one query."""
    qs = Household.objects.restrict(user).values_list("code", "id", "grid_code")
    return {code: (pk, grid_code) for code, pk, grid_code in qs.iterator(chunk_size=20000)}


def _existing_ids(keys: dict[str, list[str]]) -> dict[tuple[str, str], tuple[int, str, str]]:
    """(id_type, id_number) -> (resident id, grid code, name) for the numbers already registered
    (the name, for the report to say who holds a number rather than a record id)."""
    found: dict[tuple[str, str], tuple[int, str, str]] = {}
    for id_type, numbers in keys.items():
        if connection.vendor == "postgresql":
            # The numbers travel as ONE string split by the server (validation refuses control
            # characters, so the separator cannot occur in them): passing a Python list makes the
            # driver quote ten thousand strings in Python for every chunk.  Then one unique-index
            # probe per number, whatever the table's statistics say: during an import the table
            # grows faster than they know, and a plain ``= ANY(...)`` was planned as a filter
            # over every row written so far.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT n.num, r.id, r.grid_code, r.name FROM unnest(string_to_array(%s, chr(31))) AS n(num) "
                    f"CROSS JOIN LATERAL (SELECT id, grid_code, name FROM {Resident._meta.db_table} "
                    f"WHERE id_type = %s AND id_number = n.num LIMIT 1) r",
                    ["\x1f".join(numbers), id_type],
                )
                rows = cursor.fetchall()
        else:
            rows = Resident.objects.filter(id_type=id_type, id_number__in=numbers).values_list(
                "id_number", "pk", "grid_code", "name")
        for number, pk, grid_code, name in rows:
            found[(id_type, number)] = (pk, grid_code, name)
    return found


def update_resident_counts(*, households: Counter[int], grids: Counter[str]) -> None:
    """Add the newly written residents to the household and grid counters.

    The rows are new, so adding is exact, and it touches only the affected counters instead of
    counting their residents again.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Household._meta.db_table} h SET resident_count = h.resident_count + v.n "
                f"FROM unnest(%s::bigint[], %s::int[]) AS v(id, n) WHERE h.id = v.id",
                [list(households), list(households.values())],
            )
            cursor.execute(
                f"UPDATE {Grid._meta.db_table} g SET resident_count = g.resident_count + v.n "
                f"FROM unnest(%s::varchar[], %s::int[]) AS v(code, n) WHERE g.code = v.code",
                [list(grids), list(grids.values())],
            )
        return
    by_count: dict[int, list[int]] = {}
    for pk, n in households.items():
        by_count.setdefault(n, []).append(pk)
    for n, pks in by_count.items():
        for start in range(0, len(pks), 500):
            Household.objects.filter(pk__in=pks[start:start + 500]).update(resident_count=F("resident_count") + n)
    for code, n in grids.items():
        Grid.objects.filter(code=code).update(resident_count=F("resident_count") + n)


@dataclass
class _CheckProgress:
    processed: int = 0


def _checked_chunks(
    *, table: Table, mapping: dict[str, int], households: dict[str, tuple[int, str]], tags: dict[str, int],
    report: ErrorReport, state: _CheckProgress, progress: ProgressCallback | None, chunk_size: int,
    format_row: Callable | None = None,
) -> Iterator[list[tuple[int, tuple]]]:
    """Phase 1: check every row; report the bad ones and yield the good ones in chunks.

    Touches no database, so it can run beside the writer in a thread.  Duplicates against the
    database are checked by the caller, on its own connection, chunk by chunk.
    """
    keys = list(mapping)
    width = max(mapping.values()) + 1
    pick = itemgetter(*mapping.values())
    household_index = keys.index("household_code")
    today = dt.date.today()
    total = table.estimated_rows
    seen: dict[tuple[str, str], int] = {}  # (id_type, id_number) -> first row in this file
    pending: list[tuple[int, tuple]] = []
    for row_number, cells in table.rows:
        state.processed += 1
        if progress and state.processed % PROGRESS_EVERY == 0:
            progress(state.processed, max(total, state.processed))
        if len(cells) < width:
            cells = _row_cells(cells, width)
        code = cells[household_index].strip()
        if not code and not "".join(cells).strip():
            state.processed -= 1  # an empty row is not a row
            continue
        if max(map(len, cells)) > MAX_CELL_CHARS:
            index = next(i for i, c in enumerate(cells) if len(c) > MAX_CELL_CHARS)
            header = table.headers[index] if index < len(table.headers) else _("第%(n)s列") % {"n": index + 1}
            report.add(row_number, str(header), _("单元格内容过长（超过%(n)s个字），请检查") % {"n": MAX_CELL_CHARS})
            continue
        raw = dict(zip(keys, pick(cells), strict=True))
        del raw["household_code"]
        bad = False
        household = households.get(code)
        if household is None:
            bad = True
            if not code:
                reason = _("户编码不能为空")
            elif not is_household_code(code):
                reason = _("户编码应为%(n)s位数字（请将该列设置为文本格式）") % {"n": HOUSEHOLD_CODE_LENGTH}
            else:
                reason = _("户编码 %(code)s 不存在，或不在您的管辖范围内") % {"code": code}
            report.add(row_number, _HEADER_OF["household_code"], reason)
        clean = clean_resident_fields(raw, tag_lookup=tags, today=today, unstated_relation=True)
        for key in _FREE_TEXT:
            if key not in clean.errors and _CONTROL_RE.search(clean.values.get(key, "")):
                clean.errors[key] = str(CONTROL_ERROR)
        if clean.errors:
            bad = True
            for key, message in clean.errors.items():
                report.add(row_number, _HEADER_OF.get(key, key), message)
        values = clean.values
        number = values.get("id_number")
        if number and "id_type" in values:
            key = (values["id_type"], number)
            first = seen.get(key)
            if first is not None:
                bad = True
                report.add(row_number, _HEADER_OF["id_number"], _("证件号码与第%(row)s行重复") % {"row": first})
            else:
                seen[key] = row_number
        if bad:
            continue
        item = (household[0], household[1], values, values.get("tags", ()))
        if format_row is not None:
            item += format_row(*item)
        pending.append((row_number, item))
        if len(pending) >= chunk_size:
            yield pending
            pending = []
    if pending:
        yield pending
    if progress:
        progress(state.processed, state.processed)


def _in_background(chunks: Iterator[list]) -> Iterator[list]:
    """Run a chunk generator in a thread, a few chunks ahead of the consumer.

    Checking rows is Python work; writing them is the database server's.  With the checker in a
    thread the two overlap.  The checker's own database use (progress updates) goes through its
    own connection, outside the import's transaction, so the page sees progress as it happens.
    """
    results: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()
    done = object()
    # The active language is the thread's: the checker's row reasons are written in the importer's.
    language = translation.get_language()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            with translation.override(language):
                for chunk in chunks:
                    if not put(chunk):
                        return
            put(done)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run, name="wangge-import-check", daemon=True)
    worker.start()
    try:
        while True:
            item = results.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=10)


def _registered_message(user, key: tuple[str, str], holder: tuple[int, str, str]) -> str:
    """Who holds the number, by name, only if the importer reaches them (see ``duplicate_id_number_refusal``)."""
    return duplicate_id_number_refusal(user=user, id_type=key[0], id_number=key[1], holder_pk=holder[0],
                                       holder_grid_code=holder[1], holder_name=holder[2], by_name=True).message


# What the import has made each household's head so far: household id -> (row, whether the row said 户主).
Heads = dict[int, tuple[int, bool]]
_RELATION_FIELD = _RESIDENT_FIELDS.index("relation")


def _decide_heads(candidates: list[tuple[int, int, int, bool]], heads: Heads,
                  report: ErrorReport) -> tuple[set[int], set[int]]:
    """The one-head rule (``people.services.second_head_refusal``) for rows in file order.

    ``candidates``: (index, row, household id, stated) of the rows that say 户主 (stated) or leave
    the relation blank; ``heads`` is kept across chunks (on SQLite nothing is written before the
    end, so the database alone would not know).  A row makes its household's head when the
    household has none, in the database or from an earlier row.  Otherwise a row that said 户主 is
    refused and reported, and a blank one stays 其他.  Returns the refused indices and those of the
    blank rows that make a head.
    """
    if not candidates:
        return set(), set()
    in_database = households_with_head({household for _i, _row, household, _s in candidates if household not in heads})
    refused, promoted = set(), set()
    for index, row, household, stated in candidates:
        first = heads.get(household)
        if first is None and household not in in_database:
            heads[household] = (row, stated)
            if not stated:
                promoted.add(index)
            continue
        if not stated:
            continue
        if first is None:
            message = second_head_refusal().message
        elif first[1]:
            message = _("与第%(row)s行同为该户户主，一户只能登记一位户主") % {"row": first[0]}
        else:
            message = _("第%(row)s行未填与户主关系，已作为该户户主；一户只能登记一位户主") % {"row": first[0]}
        report.add(row, _HEADER_OF["relation"], message, code="household_has_head")
        refused.add(index)
    return refused, promoted


def _drop_registered(chunk: list[tuple[int, tuple]], report: ErrorReport, user,
                     heads: Heads | None = None) -> list[tuple]:
    """The chunk's rows whose ID number is not yet registered and that make no second head, each
    blank relation decided (户主 or 其他); the others are reported."""
    by_type: dict[str, list[str]] = {}
    for _row, item in chunk:
        values = item[2]
        by_type.setdefault(values["id_type"], []).append(values["id_number"])
    existing = _existing_ids(by_type)
    good, candidates = [], []
    for row, item in chunk:
        values = item[2]
        key = (values["id_type"], values["id_number"])
        holder = existing.get(key)
        if holder is None:
            if values["relation"] in (Resident.Relation.HEAD, None):
                candidates.append((len(good), row, item[0], values["relation"] is not None))
            good.append(item)
        else:
            report.add(row, _HEADER_OF["id_number"], _registered_message(user, key, holder))
    refused, promoted = _decide_heads(candidates, {} if heads is None else heads, report)
    for index, _row, _household, stated in candidates:
        if not stated:
            good[index][2]["relation"] = Resident.Relation.HEAD if index in promoted else Resident.Relation.OTHER
    return [item for index, item in enumerate(good) if index not in refused] if refused else good


def _as_head(line: str) -> str:
    """A COPY line (see ``copy_formatter``) with its relation made 户主 (text fields are escaped, so
    every tab separates fields)."""
    fields = line.split("\t")
    fields[_RELATION_FIELD] = Resident.Relation.HEAD
    return "\t".join(fields)


def _drop_registered_batch(batch: _Batch, report: ErrorReport, user, heads: Heads | None = None) -> _Batch:
    """``_drop_registered`` for a ``_Batch``: the rows whose ID number is not yet registered and
    that make no second head, the lines of blank relations that make a head rewritten."""
    batch = _drop_registered_numbers(batch, report, user)
    if not batch.heads and not batch.unstated:
        return batch
    stated = set(batch.heads)
    refused, promoted = _decide_heads(
        [(i, batch.rows[i], batch.household_ids[i], i in stated) for i in sorted(stated.union(batch.unstated))],
        {} if heads is None else heads, report,
    )
    if promoted:
        lines = list(batch.lines)
        for index in promoted:
            lines[index] = _as_head(lines[index])
        batch = batch._replace(lines=lines)
    if not refused:
        return batch
    return batch.subset([i for i in range(len(batch.rows)) if i not in refused])


def _drop_registered_numbers(batch: _Batch, report: ErrorReport, user) -> _Batch:
    if len(set(batch.id_types)) == 1:
        by_type = {batch.id_types[0]: batch.id_numbers}
    else:
        by_type = {}
        for id_type, number in zip(batch.id_types, batch.id_numbers, strict=True):
            by_type.setdefault(id_type, []).append(number)
    existing = _existing_ids(by_type)
    if not existing:
        return batch
    keep = []
    for index, key in enumerate(zip(batch.id_types, batch.id_numbers, strict=True)):
        holder = existing.get(key)
        if holder is None:
            keep.append(index)
        else:
            report.add(batch.rows[index], _HEADER_OF["id_number"], _registered_message(user, key, holder))
    return batch.subset(keep)


# Below this many rows the checker runs in a thread: starting a process costs more than it saves.
PROCESS_MIN_ROWS = 20_000
# Rows the checker hands the writer at a time.
CHUNK_ROWS_POSTGRES = 10_000
CHUNK_ROWS_SQLITE = 2000
CheckRun = Callable[..., Iterator[_Batch]]  # (report=, state=, progress=) -> batches


def _use_process(estimated_rows: int) -> bool:
    return estimated_rows >= PROCESS_MIN_ROWS and "fork" in multiprocessing.get_all_start_methods()


def _check_in_child(check: CheckRun, messages, limit: int, parent_pid: int, language: str | None = None) -> None:
    """The checker process: runs ``check`` and sends its batches, progress and errors to the parent.

    Forked from the importer, it inherits the importer's database sockets.  It uses none of them and
    must not end their sessions either (a clean close tells the server to end the importer's
    session): Django forgets them here and their descriptors are closed without a word to the
    server, so nothing in this process can reach the importer's transaction, and a killed importer's
    session ends with the importer instead of living on in this copy.  The process dies with the
    importer (``_die_with_parent``).
    """
    for wrapper in connections.all(initialized_only=True):
        wrapper.connection = None
    _close_inherited_sockets()
    _die_with_parent(parent_pid)
    # What the importer built (households in reach, tags) is only read here: keep the cycle
    # collector from walking it again and again, and run it less often over the rows checked.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    if language:
        translation.activate(language)  # the row reasons in the importer's language
    report = ErrorReport(limit=limit)
    state = _CheckProgress()
    try:
        def progress(processed: int, total: int) -> None:
            messages.put(("progress", processed, total))

        for batch in check(report=report, state=state, progress=progress):
            messages.put(("batch", batch))
        messages.put(("done", state.processed, report.count, report.rows, report.items))
    except BaseException as exc:  # sent to the importer, which raises it
        trace = traceback.format_exc()
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        messages.put(("error", exc, trace))


def _close_inherited_sockets() -> None:
    """Close, in a forked child, every socket descriptor inherited from the importer.

    Closing a descriptor only drops this process's reference: nothing is sent, so the importer's
    database sessions (and those of the worker's other threads) carry on, and end when the importer
    ends.  The checker talks to its parent through a pipe, never a socket.
    """
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: at least the database connections Django knew of
        fds = []
        for wrapper in connections.all(initialized_only=True):
            pgconn = getattr(getattr(wrapper, "connection", None), "pgconn", None)
            if pgconn is not None:
                fds.append(pgconn.socket)
    for fd in fds:
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            continue


def _die_with_parent(parent_pid: int) -> None:
    """End this process as soon as ``parent_pid`` is gone (killed with -9 included).

    On Linux the kernel sends SIGKILL when the parent dies (``PR_SET_PDEATHSIG``); everywhere a
    thread also watches the parent's pid, which covers a parent that died before the request.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            time.sleep(0.5)

    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=watch, name="wangge-import-check-watch", daemon=True).start()


class _ProgressRelay:
    """Progress from the checker process, saved by a thread on its own connection.

    Outside the import's transaction, so the page sees it as it happens (as with the checker thread).
    """

    def __init__(self, progress: ProgressCallback):
        self.progress = progress
        self.updates: queue.SimpleQueue = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="wangge-import-progress", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (update := self.updates.get()) is not None:
                if self.error is None:
                    try:
                        self.progress(*update)
                    except BaseException as exc:
                        self.error = exc
        finally:
            connections.close_all()

    def send(self, processed: int, total: int) -> None:
        if self.error is not None:
            raise self.error
        self.updates.put((processed, total))

    def close(self) -> None:
        """Wait for every update to be saved; raises what the callback raised."""
        self.updates.put(None)
        self.thread.join(timeout=30)
        if self.error is not None:
            raise self.error


def _in_process(
    check: CheckRun, *, report: ErrorReport, state: _CheckProgress, progress: ProgressCallback | None
) -> Iterator[_Batch]:
    """Run the checker in a forked process, a few batches ahead of the writer.

    The checker is Python work and so is sending rows to the server: in one process they share
    one interpreter lock; in two they run on two cores.  The child's error report and row count
    are merged into ``report`` and ``state`` when it is done; its exceptions are raised here.
    """
    context = multiprocessing.get_context("fork")
    messages = context.Queue(maxsize=8)
    child = context.Process(target=_check_in_child,
                            args=(check, messages, report.limit, os.getpid(), translation.get_language()),
                            name="wangge-import-check", daemon=True)
    child.start()
    relay = _ProgressRelay(progress) if progress else None
    finished = False
    try:
        while True:
            kind, *payload = _receive(messages, child)
            if kind == "batch":
                yield payload[0]
            elif kind == "progress":
                if relay is not None:
                    relay.send(*payload)
            elif kind == "done":
                state.processed, count, rows, items = payload
                report.count += count
                report.rows |= rows
                report.items.extend(items)
                finished = True
                if relay is not None:
                    relay, closing = None, relay
                    closing.close()
                return
            else:
                exc, trace = payload
                exc.add_note(f"检查进程中的出错位置：\n{trace}")
                raise exc
    finally:
        if relay is not None:
            relay.updates.put(None)
        if not finished and child.is_alive():
            child.kill()
        child.join(timeout=10)
        messages.close()


# The checker reports progress every few thousand rows; this long without a word means it is stuck
# (a process forked from a threaded worker can inherit a lock that nobody will release).
CHECKER_STALL_SECONDS = 300


def _receive(messages, child, *, stall_seconds: float | None = None) -> tuple:
    stall_seconds = CHECKER_STALL_SECONDS if stall_seconds is None else stall_seconds
    waited = 0.0
    while True:
        try:
            return messages.get(timeout=1)
        except queue.Empty:
            waited += 1
            if not child.is_alive():
                try:
                    return messages.get(timeout=1)
                except queue.Empty:
                    raise RuntimeError(f"导入检查进程意外退出（退出码 {child.exitcode}）") from None
            if waited >= stall_seconds:
                child.kill()
                raise RuntimeError(f"导入检查进程 {int(waited)} 秒无响应，已终止") from None


class _Rejected(Exception):
    """Raised inside the import's transaction to roll back everything it streamed."""


def import_residents(
    *, actor: Actor, job: ImportJob, file_path: str | Path, progress: ProgressCallback | None = None
) -> ImportResult:
    """Validate every row of a residents file and write the valid ones (per ``job.mode``)."""
    user = actor.user
    require(user, "people.import")
    table = read_table(file_path)
    mapping = map_columns(table.headers, RESIDENT_COLUMNS)
    report = ErrorReport()
    state = _CheckProgress()
    postgres = connection.vendor == "postgresql"
    households, tags = _households_in_reach(user), tag_lookup()

    def check(*, report: ErrorReport, state: _CheckProgress, progress: ProgressCallback | None) -> Iterator:
        return _checked_chunks(
            table=table, mapping=mapping, households=households, tags=tags, report=report, state=state,
            progress=progress, chunk_size=CHUNK_ROWS_POSTGRES if postgres else CHUNK_ROWS_SQLITE,
            format_row=copy_formatter() if postgres else None,
        )

    result = ImportResult(status=ImportJob.Status.SUCCEEDED)
    try:
        if postgres:
            if _use_process(table.estimated_rows):
                batches = _in_process(lambda **kwargs: map(_batch, check(**kwargs)), report=report, state=state,
                                      progress=progress)
            else:
                batches = _in_background(map(_batch, check(report=report, state=state, progress=progress)))
            sink = _stream_residents_postgres(actor=actor, job=job, batches=batches, report=report, state=state)
        else:
            sink = _ResidentSink()
            heads: Heads = {}
            for chunk in check(report=report, state=state, progress=progress):
                sink.add_many(_drop_registered(chunk, report, actor.user, heads))
            if not (report.count and job.mode == ImportJob.Mode.ALL_OR_NOTHING) and sink.count:
                ImportJob.objects.filter(pk=job.pk).update(message=_("校验完成，正在写入数据库…"))
                with transaction.atomic():
                    sink.write()
                    _finish_residents(actor=actor, job=job, sink=sink, total=state.processed,
                                      error_rows=len(report.rows))
    except _Rejected:
        sink = None
    except IntegrityError:
        log.warning("resident import %s hit a duplicate while writing", job.pk, exc_info=True)
        result.status = ImportJob.Status.FAILED
        result.message = _("写入时发现重复的证件号码（可能有人同时登记了相同的人），未导入任何数据，请重新导入")
        sink = None
    total = state.processed
    result.total_rows, result.error_rows = total, len(report.rows)
    result.error_count, result.errors = report.count, report.details()
    if result.status == ImportJob.Status.FAILED:
        return result
    if report.count and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        result.status = ImportJob.Status.REJECTED
        result.message = _("共 %(total)s 行，其中 %(bad)s 行有错误，按“全部成功才导入”未导入任何数据") % {
            "total": total, "bad": len(report.rows)}
        return result
    if sink is None or not sink.count:
        result.status = ImportJob.Status.REJECTED if report.count else ImportJob.Status.SUCCEEDED
        result.message = _("没有可导入的有效行") if report.count else _("文件中没有数据行")
        return result
    result.imported_rows = sink.count
    result.extra = {"households": len(sink.households), "grids": sorted(sink.grids), "tags": sink.tagged}
    result.message = _("共 %(total)s 行，导入 %(n)s 行") % {"total": total, "n": sink.count} + (
        _("，%(bad)s 行有错误未导入") % {"bad": len(report.rows)} if report.count else ""
    )
    return result


def _stream_residents_postgres(
    *, actor: Actor, job: ImportJob, batches: Iterator[_Batch], report: ErrorReport, state: _CheckProgress
) -> _PostgresResidentWriter:
    """Check and write at once, in ONE transaction; a rejected file is rolled back whole."""
    # With the checker thread busy, the writer would wait up to the GIL switch interval (5 ms) each
    # time the server answers; a short interval lets it hand each chunk over at once.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    owns_transaction = not connection.in_atomic_block
    try:
        with closing(batches), transaction.atomic(), connection.cursor() as cursor:
            # Hundreds of small index-lookup statements: compiling each with JIT costs more than it saves.
            cursor.execute("SET LOCAL jit = off")
            if owns_transaction:
                # Check each row's foreign keys as it is copied, while the checker works on the next
                # rows, rather than all at once at COMMIT (seconds of work nothing else overlaps).
                # Only when the import is the whole transaction: the setting lasts until its end.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            writer = _PostgresResidentWriter(cursor)
            heads: Heads = {}
            for batch in batches:
                writer.add_batch(_drop_registered_batch(batch, report, actor.user, heads))
            if (report.count and job.mode == ImportJob.Mode.ALL_OR_NOTHING) or not writer.count:
                raise _Rejected
            writer.write_tags()
            _finish_residents(actor=actor, job=job, sink=writer, total=state.processed,
                              error_rows=len(report.rows))
    finally:
        sys.setswitchinterval(interval)
    return writer


def _finish_residents(*, actor: Actor, job: ImportJob, sink, total: int, error_rows: int) -> None:
    """Counters and the audit entry, inside the import's transaction."""
    update_resident_counts(households=sink.households, grids=sink.grids)
    audit.record(
        actor=actor, action=AuditAction.IMPORT, object_type="people.importjob", object_id=str(job.pk),
        object_repr=f"导入居民 {job.file_name}"[:200], grid_code=job.grid_code,
        changes={"kind": job.kind, "mode": job.mode, "file": job.file_name, "total_rows": total,
                 "imported_rows": sink.count, "error_rows": error_rows, "households": len(sink.households),
                 "grids": len(sink.grids), "tags": sink.tagged},
    )


# --- Buildings -----------------------------------------------------------------------------------

_BUILDING_HEADER = {c.key: c.header for c in BUILDING_COLUMNS}
MAX_HOUSEHOLDS_PER_BUILDING = 5000


def _int_cell(text: str, label: str, low: int, high: int, errors: dict[str, str], key: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        errors[key] = _("%(label)s应为整数") % {"label": label}
        return None
    if not number.is_integer() or not low <= number <= high:
        errors[key] = _("%(label)s应为 %(low)s 到 %(high)s 之间的整数") % {"label": label, "low": low, "high": high}
        return None
    return int(number)


def _float_cell(text: str, label: str, low: float, high: float, errors: dict[str, str], key: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        errors[key] = _("%(label)s应为数字") % {"label": label}
        return None
    if not low <= number <= high:
        errors[key] = _("%(label)s应在 %(low)s 到 %(high)s 之间") % {"label": label, "low": low, "high": high}
        return None
    return number


def _door_number(index: int, per_unit: int, floors: int | None) -> str:
    """Room numbers like 301 when the households spread evenly over the floors, else 1, 2, 3."""
    if floors and per_unit % floors == 0 and per_unit // floors <= 99:
        per_floor = per_unit // floors
        return f"{(index - 1) // per_floor + 1}{(index - 1) % per_floor + 1:02d}"
    return str(index)


def import_buildings(
    *, actor: Actor, job: ImportJob, file_path: str | Path, progress: ProgressCallback | None = None
) -> ImportResult:
    """Buildings with their units and households, coded by ``core.codes`` (grid+3, +2, +4)."""
    user = actor.user
    require(user, "people.import")
    table = read_table(file_path)
    mapping = map_columns(table.headers, BUILDING_COLUMNS)
    width = max(mapping.values()) + 1
    grids = {g.code: g for g in Grid.objects.restrict(user).only("id", "code")}
    report = ErrorReport()
    planned: list[dict] = []
    used_codes: set[str] = set()
    names: dict[tuple[str, str], int] = {}
    next_sequence: dict[str, int] = {}
    existing_names: dict[str, set[str]] = {}
    total = table.estimated_rows
    processed = 0

    def sequences(grid_code: str) -> int:
        if grid_code not in next_sequence:
            codes = Building.objects.filter(grid__code=grid_code).values_list("code", "name")
            taken = [int(c[-3:]) for c, _n in codes]
            existing_names[grid_code] = {n for _c, n in codes}
            used_codes.update(c for c, _n in codes)
            next_sequence[grid_code] = max(taken, default=0) + 1
        return next_sequence[grid_code]

    for row_number, cells in table.rows:
        processed += 1
        if progress and processed % 500 == 0:
            progress(processed, max(total, processed))
        cells = _row_cells(cells, width)
        if not "".join(cells).strip():
            processed -= 1
            continue
        if max(map(len, cells)) > MAX_CELL_CHARS:
            index = next(i for i, c in enumerate(cells) if len(c) > MAX_CELL_CHARS)
            header = table.headers[index] if index < len(table.headers) else _("第%(n)s列") % {"n": index + 1}
            report.add(row_number, str(header), _("单元格内容过长（超过%(n)s个字），请检查") % {"n": MAX_CELL_CHARS})
            continue
        raw = {key: cells[index].strip() for key, index in mapping.items()}
        errors: dict[str, str] = {key: str(CONTROL_ERROR) for key, text in raw.items() if _CONTROL_RE.search(text)}
        grid_code = raw["grid_code"]
        grid = grids.get(grid_code)
        if grid is None:
            errors["grid_code"] = _("网格代码不能为空") if not grid_code else (
                _("网格代码 %(code)s 不存在，或不在您的管辖范围内") % {"code": grid_code[:MAX_CODE_LENGTH]}
            )
        name = raw["name"]
        if not name:
            errors["name"] = _("楼栋名称不能为空")
        elif len(name) > 100:
            errors["name"] = _("楼栋名称不能超过100个字")
        address = raw.get("address", "")
        if len(address) > 200:
            errors["address"] = _("地址不能超过200个字")
        lat = _float_cell(raw.get("lat", ""), _("纬度"), -90, 90, errors, "lat")
        lng = _float_cell(raw.get("lng", ""), _("经度"), -180, 180, errors, "lng")
        if (lat is None) != (lng is None) and "lat" not in errors and "lng" not in errors:
            errors["lng" if lng is None else "lat"] = _("纬度和经度应同时填写")
        floors = _int_cell(raw.get("floors", ""), _("层数"), 1, 200, errors, "floors")
        units = _int_cell(raw["units"], _("单元数"), 1, 99, errors, "units")
        if units is None and "units" not in errors:
            errors["units"] = _("单元数不能为空")
        per_unit = _int_cell(raw["households_per_unit"], _("每单元户数"), 1, 9999, errors, "households_per_unit")
        if per_unit is None and "households_per_unit" not in errors:
            errors["households_per_unit"] = _("每单元户数不能为空")
        if units and per_unit and units * per_unit > MAX_HOUSEHOLDS_PER_BUILDING:
            errors["households_per_unit"] = _("一栋楼最多 %(n)s 户，请检查单元数和每单元户数") % {
                "n": MAX_HOUSEHOLDS_PER_BUILDING}
        sequence = _int_cell(raw.get("sequence", ""), _("楼栋编号"), 1, 999, errors, "sequence")
        code = ""
        if grid is not None and "sequence" not in errors:
            auto = sequences(grid_code)
            if sequence is None:
                sequence = auto
                while f"{grid_code}{sequence:03d}" in used_codes:
                    sequence += 1
                if sequence > 999:
                    errors["sequence"] = _("该网格的楼栋编号已用完（最多999栋）")
            code = f"{grid_code}{sequence:03d}"
            if "sequence" not in errors and code in used_codes:
                errors["sequence"] = _("楼栋编号 %(n)s 在该网格中已被使用") % {"n": sequence}
            if name and name in existing_names.get(grid_code, set()):
                errors["name"] = _("该网格已有名为“%(name)s”的楼栋") % {"name": name[:20]}
            elif name and (grid_code, name) in names:
                errors["name"] = _("楼栋名称与第%(row)s行重复") % {"row": names[(grid_code, name)]}
        if errors:
            for key, message in errors.items():
                report.add(row_number, _BUILDING_HEADER[key], message)
            continue
        used_codes.add(code)
        names[(grid_code, name)] = row_number
        planned.append({"grid": grid, "code": code, "name": name, "address": address, "lat": lat, "lng": lng,
                        "floors": floors, "units": units, "per_unit": per_unit})
    total = processed
    if progress:
        progress(processed, total)
    result = ImportResult(status=ImportJob.Status.SUCCEEDED, total_rows=total, error_rows=len(report.rows),
                          error_count=report.count, errors=report.details())
    if report.count and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        result.status = ImportJob.Status.REJECTED
        result.message = _("共 %(total)s 行，其中 %(bad)s 行有错误，按“全部成功才导入”未导入任何数据") % {
            "total": total, "bad": len(report.rows)}
        return result
    if not planned:
        result.status = ImportJob.Status.REJECTED if report.count else ImportJob.Status.SUCCEEDED
        result.message = _("没有可导入的有效行") if report.count else _("文件中没有数据行")
        return result
    households = _write_buildings(actor=actor, job=job, planned=planned, total=total, error_rows=len(report.rows))
    result.imported_rows = len(planned)
    result.extra = {"households": households}
    result.message = _("共 %(total)s 行，导入 %(buildings)s 栋楼、%(households)s 户") % {
        "total": total, "buildings": len(planned), "households": households,
    } + (_("，%(bad)s 行有错误未导入") % {"bad": len(report.rows)} if report.count else "")
    return result


@transaction.atomic
def _write_buildings(*, actor: Actor, job: ImportJob, planned: list[dict], total: int, error_rows: int) -> int:
    buildings = Building.objects.bulk_create([
        Building(code=p["code"], grid=p["grid"], grid_code=p["grid"].code, name=p["name"], address=p["address"],
                 lat=p["lat"], lng=p["lng"], floors=p["floors"])
        for p in planned
    ])
    units = []
    for building, p in zip(buildings, planned, strict=True):
        units += [Unit(code=f"{building.code}{u:02d}", building_id=building.pk, grid_code=building.grid_code,
                       name=f"{u}单元") for u in range(1, p["units"] + 1)]
    units = Unit.objects.bulk_create(units, batch_size=500)
    plan_by_building = {b.pk: (b, p) for b, p in zip(buildings, planned, strict=True)}
    households = []
    for unit in units:
        building, p = plan_by_building[unit.building_id]
        for h in range(1, p["per_unit"] + 1):
            door = _door_number(h, p["per_unit"], p["floors"])
            households.append(Household(
                code=f"{unit.code}{h:04d}", unit_id=unit.pk, grid_code=unit.grid_code, door_number=door,
                address=f"{p['address'] or building.name}{unit.name}{door}室"[:200],
            ))
    Household.objects.bulk_create(households, batch_size=1000)
    grid_codes = sorted({p["grid"].code for p in planned})
    recount_grid_buildings(grid_codes=grid_codes)
    audit.record(
        actor=actor, action=AuditAction.IMPORT, object_type="people.importjob", object_id=str(job.pk),
        object_repr=f"导入楼栋 {job.file_name}"[:200], grid_code=job.grid_code,
        changes={"kind": job.kind, "mode": job.mode, "file": job.file_name, "total_rows": total,
                 "imported_rows": len(planned), "error_rows": error_rows, "units": len(units),
                 "households": len(households), "grids": len(grid_codes)},
    )
    return len(households)


def recount_grid_buildings(*, grid_codes: list[str]) -> None:
    """Recount Grid.building_count and household_count from their tables."""
    buildings = Building.objects.filter(grid_code=OuterRef("code")).order_by().values("grid_code") \
        .annotate(n=Count("*")).values("n")
    households = Household.objects.filter(grid_code=OuterRef("code")).order_by().values("grid_code") \
        .annotate(n=Count("*")).values("n")
    Grid.objects.filter(code__in=grid_codes).update(
        building_count=Coalesce(Subquery(buildings), 0), household_count=Coalesce(Subquery(households), 0)
    )


# --- Jobs ----------------------------------------------------------------------------------------

IMPORTERS = {ImportJob.Kind.RESIDENTS: import_residents, ImportJob.Kind.BUILDINGS: import_buildings}


def import_job_queryset(*, user) -> QuerySet[ImportJob]:
    """Jobs the user may see: those inside their reach, and their own."""
    if user is None or not user.is_authenticated:
        return ImportJob.objects.none()
    restricted = ImportJob.objects.restrict(user).values("pk")
    return ImportJob.objects.filter(Q(pk__in=restricted) | Q(created_by=user)).select_related("created_by")


def import_job_in_reach(*, user, pk: int) -> ImportJob:
    """The job, if the user may see it; a job whose worker died is failed first, not shown running."""
    try:
        job = import_job_queryset(user=user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该导入任务，或不在您的管辖范围内")) from None
    if job.status == ImportJob.Status.RUNNING and fail_abandoned_jobs(pks=[job.pk]):
        job.refresh_from_db()
    return job


def import_job_create(*, user, kind: str, mode: str, file_name: str, file_path: str) -> ImportJob:
    """A pending job inside the importer's reach (its grid code is the common prefix of that reach)."""
    from wangge.accounts.services import common_prefix

    require(user, "people.import")
    if not user.scope_prefixes:
        raise Forbidden(_("您的账号没有管辖范围，不能导入数据"), code="no_reach")
    return ImportJob.objects.create(
        kind=kind, mode=mode, file_name=file_name[:255], file_path=str(file_path)[:500],
        grid_code=grid_code_of(common_prefix(user)), created_by=user,
    )


# A running job beats every HEARTBEAT_SECONDS.  A job on this host whose process is gone is
# abandoned at once; one elsewhere (or whose pid may have been reused) after a long silence.
HEARTBEAT_SECONDS = 30
ABANDONED_AFTER = dt.timedelta(minutes=10)
ABANDONED_AFTER_SAME_HOST = dt.timedelta(hours=1)
ABANDONED_MESSAGE = gettext_lazy("导入进程已意外终止（后台任务进程退出或服务重启），未导入任何数据，请重新导入")


class _Heartbeat:
    """Marks the job alive every ``HEARTBEAT_SECONDS`` from a thread with its own connection."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="wangge-import-heartbeat", daemon=True)

    def _run(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT_SECONDS):
                try:
                    ImportJob.objects.filter(pk=self.job_id, status=ImportJob.Status.RUNNING).update(
                        heartbeat_at=timezone.now())
                except Exception:  # a busy database must not end the import; the next beat retries
                    log.warning("heartbeat of import job %s not saved", self.job_id, exc_info=True)
        finally:
            connections.close_all()

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def run_import_job(
    job_id: int, *, actor: Actor | None = None, progress: ProgressCallback | None = None
) -> ImportResult:
    """Run one job to its end and store the outcome on it; the page, the task and the CLI all land here."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if actor is None:
        actor = Actor(user=job.created_by, channel="task")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, message=_("正在校验…"), code="", worker_host=socket.gethostname()[:255],
        worker_pid=os.getpid(), heartbeat_at=timezone.now(),
    )

    def report_progress(processed: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed, total_rows=total,
                                                   heartbeat_at=timezone.now())
        if progress:
            progress(processed, total)

    try:
        if job.created_by is None or not job.created_by.is_active:
            raise Forbidden(_("导入人账号已停用"), code="importer_inactive")
        with _Heartbeat(job.pk):
            result = IMPORTERS[job.kind](actor=actor, job=job, file_path=job.file_path, progress=report_progress)
    except FileProblem as exc:
        errors = [{"row": 1, "column": c, "message": _("缺少必需的列")} for c in exc.columns]
        result = ImportResult(status=ImportJob.Status.REJECTED, code=exc.code, message=exc.message, errors=errors,
                              error_count=len(errors))
    except Forbidden as exc:
        result = ImportResult(status=ImportJob.Status.FAILED, code=exc.code, message=exc.message)
    except Exception:
        log.exception("import job %s failed", job.pk)
        result = ImportResult(
            status=ImportJob.Status.FAILED, code="import_internal_error",
            message=_("导入时发生内部错误，未导入任何数据，请联系管理员"),
        )
    if result.status != ImportJob.Status.SUCCEEDED:
        _record_refusal(actor=actor, job=job, result=result)
    ImportJob.objects.filter(pk=job.pk).update(
        status=result.status, code=result.code[:50], total_rows=result.total_rows, processed_rows=result.total_rows,
        imported_rows=result.imported_rows, error_count=result.error_count, errors=result.errors,
        message=result.message[:500], finished_at=timezone.now(),
    )
    return result


def _record_refusal(*, actor: Actor, job: ImportJob, result: ImportResult) -> None:
    """Audit an import that wrote nothing, in a transaction of its own (the import's was rolled back)."""
    label = "居民" if job.kind == ImportJob.Kind.RESIDENTS else "楼栋"
    try:
        with transaction.atomic():
            audit.record(
                actor=actor, action=AuditAction.IMPORT, object_type="people.importjob", object_id=str(job.pk),
                object_repr=f"导入{label} {job.file_name}（未导入）"[:200], grid_code=job.grid_code,
                changes={"rejected": True, "status": result.status, "code": result.code, "kind": job.kind,
                         "mode": job.mode, "file": job.file_name, "rows": result.total_rows,
                         "errors": result.error_count, "error_rows": result.error_rows,
                         "reason": result.message[:500]},
            )
    except Exception:  # the job's outcome is still saved; the missing entry is in the log
        log.exception("audit entry for refused import job %s not saved", job.pk)


def _process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a zombie nobody has reaped yet is dead too
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


def job_is_abandoned(job: ImportJob, *, now: dt.datetime | None = None) -> bool:
    """Whether a running job's worker is gone: its process on this host has ended, or it fell silent."""
    if job.status != ImportJob.Status.RUNNING:
        return False
    now = now or timezone.now()
    last = job.heartbeat_at or job.created_at
    if job.worker_pid and job.worker_host == socket.gethostname()[:255]:
        return _process_is_gone(job.worker_pid) or now - last > ABANDONED_AFTER_SAME_HOST
    return now - last > ABANDONED_AFTER


def fail_abandoned_jobs(*, pks: list[int] | None = None) -> list[int]:
    """Mark failed every running job (of ``pks``, or all) whose worker died; returns their ids.

    Called when a worker starts and when a page shows a job.  The dead worker's transaction was
    rolled back with its connection, so nothing of the import was written.
    """
    running = ImportJob.objects.filter(status=ImportJob.Status.RUNNING)
    if pks is not None:
        running = running.filter(pk__in=pks)
    failed = []
    for job in running.only("pk", "status", "worker_host", "worker_pid", "heartbeat_at", "created_at"):
        if not job_is_abandoned(job):
            continue
        # Only if it is still the same run: a job that finished meanwhile keeps its outcome.
        if ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING, heartbeat_at=job.heartbeat_at) \
                .update(status=ImportJob.Status.FAILED, code="import_worker_died", message=str(ABANDONED_MESSAGE),
                        finished_at=timezone.now()):
            log.warning("import job %s abandoned by worker %s on %s: marked failed", job.pk, job.worker_pid,
                        job.worker_host)
            failed.append(job.pk)
    return failed


# --- Templates -----------------------------------------------------------------------------------

_TEMPLATE_NOTES = {
    "household_code": "24位户编码（在“网格”页面的户详情中可见），须在您的管辖范围内；请将该列设为文本格式",
    "name": "必填",
    "sex": "男/女；身份证号码可推出性别时可不填",
    "id_type": "居民身份证（默认）、护照、港澳居民来往内地通行证、台湾居民来往大陆通行证、"
               "外国人永久居留身份证、其他证件",
    "id_number": "必填；居民身份证须为18位并通过校验位检查；请将该列设为文本格式",
    "phone": "11位手机号或带区号的固定电话",
    "relation": "户主、配偶、子女、父母、祖父母/外祖父母、孙子女/外孙子女、兄弟姐妹、其他亲属、租客、其他；"
                "一户只能有一位户主。不填（或没有这一列）时：该户还没有户主（系统中没有，文件中前面的行也没有）"
                "则这一行的人为户主，否则为“其他”",
    "residence_type": "户籍、常住、流动",
    "tags": "多个标签用“、”或“,”分隔，如：独居老人、残疾人、慢性病患者、孕产妇、婴幼儿、卧床、外来务工人员",
    "birth_date": "YYYY-MM-DD；身份证号码可推出时可不填",
    "note": "最多500字",
    "grid_code": "15位网格代码，须在您的管辖范围内",
    "sequence": "1-999，不填则自动编号",
    "lat": "WGS84 纬度，如 30.5520",
    "lng": "WGS84 经度，如 114.3310",
    "floors": "1-200",
    "units": "1-99",
    "households_per_unit": "每个单元的户数；户数能被层数整除时按 101、102… 编门牌号",
}


def template_workbook(kind: str) -> bytes:
    """An .xlsx template: the Chinese headers and one example row, plus a sheet explaining each column."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "居民" if kind == ImportJob.Kind.RESIDENTS else "楼栋"
    sheet.append([c.header for c in columns])
    sheet.append([c.example for c in columns])
    for index, column in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True, color="C62828" if column.required else "000000")
        # Codes and ID numbers are text: as numbers Excel would round them to 15 digits.
        letter = header.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.example) + 4)
        for row in range(2, 1002):
            sheet.cell(row=row, column=index).number_format = "@"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in columns:
        notes.append([column.header, "是" if column.required else "否", _TEMPLATE_NOTES.get(column.key, "")])
    notes.append([])
    notes.append(["导入时只读取第一个工作表；第一行为列名，空行会被跳过，多余的列会被忽略。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
