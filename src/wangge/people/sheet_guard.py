"""Checks an uploaded workbook before the spreadsheet reader touches it.

The reader (python-calamine) builds the first sheet as one dense grid from its top-left to its
bottom-right cell.  Two cells, A1 and XFD1048576, make that 17 billion cells: a 1.6 KB file asks
for 512 GiB and the allocation failure aborts the whole process (Rust does not raise, it aborts),
taking the worker and every job after it down.  So before the worker reads a workbook:

1. the zip container is checked: number of members, total uncompressed size, compression ratio
   (a zip bomb is refused before anything is inflated);
2. the first sheet's declared range (``<dimension ref="A1:K5000"/>``) is checked;
3. the sheet is measured in a separate, short-lived Python process with a cap on its address space
   (``RLIMIT_AS``): the range a file declares need not be the range its cells span, and only the
   reader itself knows what it will allocate.  If that process dies, the file is refused with a
   clear error and the worker never reads it.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

# A residents file has 11 columns; a sheet wider than this is not an import file.
MAX_SHEET_COLUMNS = 1000
# Rows x columns of the dense grid the reader builds (about 32 bytes a cell before any text):
# a million residents in the template's 11 columns is 11.5 million.
MAX_SHEET_CELLS = 30_000_000
MAX_ZIP_MEMBERS = 10_000
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
# Sheet XML compresses 10-30 times; a member inflating more than this (and to more than a few
# megabytes) is a zip bomb.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 8 * 1024 * 1024
# Address space for the measuring process: the interpreter and the reader's library, plus the grid
# of a sheet at MAX_SHEET_CELLS and its text.
PROBE_ADDRESS_SPACE = 3 * 1024 * 1024 * 1024
PROBE_TIMEOUT_SECONDS = 300

TOO_LARGE = ("文件声明的表格范围过大（{detail}），超出导入允许的范围（最多 {columns} 列、{cells} 个单元格），"
             "请只保留需要导入的数据后重新上传")
BOMB = "文件解压后过大或压缩比异常（{detail}），疑似压缩炸弹，未导入"
UNREADABLE = "无法读取 Excel 文件，请确认文件是 .xlsx 格式且未加密"
TIMEOUT = "读取 Excel 文件超时（超过 {seconds} 秒），文件过大或结构异常，请另存为 CSV 后重新上传"


@dataclass
class UnsafeWorkbook(Exception):
    """The workbook is refused before it is read; ``code`` is stable, ``message`` in Chinese."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def too_large(detail: str) -> UnsafeWorkbook:
    return UnsafeWorkbook("import_sheet_too_large", TOO_LARGE.format(
        detail=detail, columns=MAX_SHEET_COLUMNS, cells=f"{MAX_SHEET_CELLS:,}"))


def check_workbook(path: str | Path) -> None:
    """Refuse a workbook the reader could not read without risking the process; else return."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        check_zip(path)
    measure_in_probe(path)


# --- The zip container and the declared range ----------------------------------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,7})\$?(\d{1,10})$")
_SMALL_PART_BYTES = 4 * 1024 * 1024


def check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise UnsafeWorkbook("import_zip_bomb", BOMB.format(detail=f"包含 {len(members)} 个文件"))
            total = sum(m.file_size for m in members)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise UnsafeWorkbook("import_zip_bomb", BOMB.format(detail=f"解压后 {total // 2**20} MB"))
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                    raise UnsafeWorkbook("import_zip_bomb", BOMB.format(
                        detail=f"{member.filename[:60]} 压缩比 {ratio:.0f}:1"))
            sheet = _first_sheet_part(archive)
            if sheet is not None:
                check_declared_range(_declared_range(archive, sheet))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ElementTree.ParseError, KeyError, OSError,
            EOFError, NotImplementedError, ValueError, RuntimeError):
        # Not a workbook the guard understands; the measuring process decides whether it is readable.
        return


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _SMALL_PART_BYTES:
        raise ValueError(name)
    with archive.open(info) as part:
        return part.read(_SMALL_PART_BYTES)


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first sheet (the one the importer reads)."""
    names = set(archive.namelist())
    workbook = next((n for n in ("xl/workbook.xml", "xl/workbook.bin") if n in names), None)
    if workbook != "xl/workbook.xml":
        return None
    sheets = ElementTree.fromstring(_read_small(archive, workbook)).find(f"{_NS_MAIN}sheets")
    first = next(iter(sheets), None) if sheets is not None else None
    rels_name = "xl/_rels/workbook.xml.rels"
    if first is None or rels_name not in names:
        return None
    rel_id = first.get(f"{_NS_REL}id")
    for rel in ElementTree.fromstring(_read_small(archive, rels_name)).iter(f"{_NS_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return name if name in names else None
    return None


def _declared_range(archive: zipfile.ZipFile, sheet: str) -> str | None:
    # <dimension> comes before <sheetData>, so the first bytes of the part hold it.
    with archive.open(sheet) as part:
        head = part.read(64 * 1024)
    match = _DIMENSION_RE.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def range_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) of a range such as ``A1:XFD1048576`` or ``B2``; None when it is not one."""
    corners = []
    for part in ref.strip().split(":")[:2]:
        match = _CELL_RE.match(part.strip())
        if not match:
            return None
        corners.append((int(match.group(2)), _column_number(match.group(1))))
    if len(corners) == 1:
        return 1, 1
    (r1, c1), (r2, c2) = corners
    return abs(r2 - r1) + 1, abs(c2 - c1) + 1


def check_size(rows: int, columns: int, *, detail: str) -> None:
    if columns > MAX_SHEET_COLUMNS or rows * columns > MAX_SHEET_CELLS:
        raise too_large(detail)


def check_declared_range(ref: str | None) -> None:
    size = range_size(ref) if ref else None
    if size is not None:
        rows, columns = size
        check_size(rows, columns, detail=f"{ref[:40]}，{rows} 行 × {columns} 列")


# --- Measuring in a separate process -------------------------------------------------------------

# Runs in a fresh interpreter (not a fork of a threaded worker): cap the address space, die with
# the parent, open the workbook, print the first sheet's size.  A grid too large for the cap makes
# the reader abort; the parent sees a signal, not a crashed worker.
_PROBE = r"""
import resource, sys
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    import ctypes, signal
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
except Exception:
    pass
try:
    import python_calamine
    workbook = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
    sheet = workbook.get_sheet_by_index(0)
    print(sheet.height, sheet.width)
except MemoryError:
    sys.exit(4)
except Exception as exc:
    print(type(exc).__name__, exc, file=sys.stderr)
    sys.exit(3)
"""


def measure_in_probe(path: Path) -> tuple[int, int]:
    """(rows, columns) of the first sheet, measured by the reader in a capped process."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path), str(PROBE_ADDRESS_SPACE)],
            capture_output=True, timeout=PROBE_TIMEOUT_SECONDS, text=True, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise UnsafeWorkbook("import_sheet_timeout", TIMEOUT.format(seconds=PROBE_TIMEOUT_SECONDS)) from None
    if done.returncode == 3:
        raise UnsafeWorkbook("import_file_unreadable", UNREADABLE)
    if done.returncode != 0:
        # Aborted on a failed allocation (SIGABRT), killed by the cap, or MemoryError.
        raise too_large("读取时所需内存超出上限")
    try:
        rows, columns = (int(n) for n in done.stdout.split())
    except ValueError:
        raise UnsafeWorkbook("import_file_unreadable", UNREADABLE) from None
    check_size(rows, columns, detail=f"{rows} 行 × {columns} 列")
    return rows, columns
