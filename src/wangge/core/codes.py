"""The grid code scheme.

Administrative divisions use China's 12-digit statistical division codes: 2 digits province,
2 city, 2 county/district, 3 street/township, 3 community/village.  Below a community, grids
append 3 digits (15), buildings 3 more (18), units 2 (20) and households 4 (24).  The
*significant prefix* of a code (the code without the zero padding of the levels below it) is
its whole subtree, so "who may see what" and "how many are under here" are both one indexed
range filter on a denormalised ``grid_code`` column.
"""

from __future__ import annotations

import re
from enum import IntEnum


class Level(IntEnum):
    PROVINCE = 1
    CITY = 2
    DISTRICT = 3
    STREET = 4
    COMMUNITY = 5
    GRID = 6
    BUILDING = 7
    UNIT = 8
    HOUSEHOLD = 9


# Length of the significant prefix at each level.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
    Level.BUILDING: 18,
    Level.UNIT: 20,
    Level.HOUSEHOLD: 24,
}
LEVEL_BY_LENGTH = {length: level for level, length in PREFIX_LENGTH.items()}

DIVISION_CODE_RE = re.compile(r"^\d{12}$")
SCOPE_CODE_RE = re.compile(r"^\d{2}(\d{2}){0,2}(\d{3}){0,3}$")


def division_level(code: str) -> Level:
    """Level of a 12-digit division code, read from its zero padding."""
    if not DIVISION_CODE_RE.match(code):
        raise ValueError(f"区划代码必须是12位数字: {code!r}")
    if code[2:] == "0" * 10:
        return Level.PROVINCE
    if code[4:] == "0" * 8:
        return Level.CITY
    if code[6:] == "0" * 6:
        return Level.DISTRICT
    if code[9:] == "000":
        return Level.STREET
    return Level.COMMUNITY


def significant_prefix(code: str) -> str:
    """The prefix that every code in the subtree of ``code`` starts with.

    A 12-digit division code is cut at its level; grid and finer codes are already exact.
    """
    if len(code) == 12:
        return code[: PREFIX_LENGTH[division_level(code)]]
    if len(code) in LEVEL_BY_LENGTH and code.isdigit():
        return code
    raise ValueError(f"不是有效的区划或网格代码: {code!r}")


def level_of_prefix(prefix: str) -> Level:
    return LEVEL_BY_LENGTH[len(prefix)]


def prefix_upper_bound(prefix: str) -> str | None:
    """Smallest digit string greater than every string that starts with ``prefix``.

    ``grid_code >= prefix AND grid_code < upper`` is then the same as ``LIKE 'prefix%'`` for
    digit-only codes, but a plain btree index serves it under any collation.
    """
    if not prefix:
        return None
    if set(prefix) == {"9"}:
        return None
    return str(int(prefix) + 1).zfill(len(prefix))


def pad_division(prefix: str) -> str:
    """The 12-digit division code whose significant prefix is ``prefix``."""
    return prefix.ljust(12, "0")[:12] if len(prefix) <= 12 else prefix


def ancestors(prefix: str) -> list[str]:
    """Significant prefixes of every level above ``prefix``, top first."""
    lengths = [n for n in sorted(LEVEL_BY_LENGTH) if n < len(prefix)]
    return [prefix[:n] for n in lengths]
