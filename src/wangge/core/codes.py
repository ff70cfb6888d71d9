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
LENGTHS = sorted(LEVEL_BY_LENGTH)  # 2, 4, 6, 9, 12, 15, 18, 20, 24

# The whole codes: a division's (its zero padding included), a grid's, a building's, a unit's, a household's.
DIVISION_CODE_LENGTH = PREFIX_LENGTH[Level.COMMUNITY]
GRID_CODE_LENGTH = PREFIX_LENGTH[Level.GRID]
BUILDING_CODE_LENGTH = PREFIX_LENGTH[Level.BUILDING]
UNIT_CODE_LENGTH = PREFIX_LENGTH[Level.UNIT]
HOUSEHOLD_CODE_LENGTH = PREFIX_LENGTH[Level.HOUSEHOLD]
MAX_CODE_LENGTH = HOUSEHOLD_CODE_LENGTH
# A division's significant prefix is at most this long; a longer prefix lies inside one grid.
DIVISION_LENGTHS = [n for n in LENGTHS if n <= DIVISION_CODE_LENGTH]

DIVISION_CODE_RE = re.compile(rf"^\d{{{DIVISION_CODE_LENGTH}}}$")
SCOPE_CODE_RE = re.compile(r"^\d{2}(\d{2}){0,2}(\d{3}){0,3}$")


def division_level(code: str) -> Level:
    """Level of a 12-digit division code, read from its zero padding."""
    if not DIVISION_CODE_RE.match(code):
        raise ValueError(f"区划代码必须是12位数字: {code!r}")
    for level in (Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.STREET):
        if not code[PREFIX_LENGTH[level]:].strip("0"):
            return level
    return Level.COMMUNITY


def significant_prefix(code: str) -> str:
    """The prefix that every code in the subtree of ``code`` starts with.

    A 12-digit division code is cut at its level; grid and finer codes are already exact.
    """
    if len(code) == DIVISION_CODE_LENGTH:
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
    if len(prefix) > DIVISION_CODE_LENGTH:
        return prefix
    return prefix.ljust(DIVISION_CODE_LENGTH, "0")[:DIVISION_CODE_LENGTH]


def ancestors(prefix: str) -> list[str]:
    """Significant prefixes of every level above ``prefix``, top first."""
    lengths = [n for n in LENGTHS if n < len(prefix)]
    return [prefix[:n] for n in lengths]


def level_of(code: str) -> Level | None:
    """The level of a significant prefix (a 12-digit code counts as a community), None for no level."""
    return LEVEL_BY_LENGTH.get(len(code))


def prefix_at(code: str, level: Level) -> str:
    """The significant prefix of ``level`` that ``code`` lies in (``code`` itself when shorter)."""
    return code[: PREFIX_LENGTH[level]]


def grid_code_of(code: str) -> str:
    """The grid a building, unit or household code lies in (a shorter prefix is returned whole)."""
    return prefix_at(code, Level.GRID)


def parent_code(prefix: str) -> str:
    """The significant prefix of the level above ``prefix`` ("" above a province)."""
    above = ancestors(prefix)
    return above[-1] if above else ""


def child_length(prefix: str) -> int | None:
    """Length of the prefixes one level below ``prefix``; None below a household.

    The top of the platform ("") opens on its cities: a deployment is one city of one province.
    """
    if not prefix:
        return PREFIX_LENGTH[Level.CITY]
    longer = [n for n in LENGTHS if n > len(prefix)]
    return longer[0] if longer else None


def is_prefix(code: str) -> bool:
    """Digits, as long as the significant prefix of some level."""
    return code.isdigit() and len(code) in LEVEL_BY_LENGTH


def is_scope_code(code: str) -> bool:
    """A code a reach is granted on: a whole division code or a grid code."""
    return code.isdigit() and len(code) in (DIVISION_CODE_LENGTH, GRID_CODE_LENGTH)


def division_code_of(prefix: str) -> str:
    """The 12-digit code of the division ``prefix`` lies in (a grid-level prefix: its community)."""
    return pad_division(prefix_at(prefix, Level.COMMUNITY))


def is_household_code(code: str) -> bool:
    return code.isdigit() and len(code) == HOUSEHOLD_CODE_LENGTH


def is_grid_level_or_below(prefix: str) -> bool:
    """Whether ``prefix`` names a grid or something inside one (a building, unit, household)."""
    return len(prefix) >= GRID_CODE_LENGTH


def is_division_prefix(prefix: str) -> bool:
    """Whether ``prefix`` is a division's significant prefix (a community or above); "" is the top."""
    return len(prefix) <= DIVISION_CODE_LENGTH


def area_prefix(code: str, *, deepest: Level = Level.GRID, whole: bool = False) -> str:
    """The significant prefix named by an area code typed or linked.

    Accepted: a 12-digit division code (cut at its level) or, unless ``whole``, the significant
    prefix of any level down to ``deepest``; with ``whole`` only a whole division or grid code.
    Raises ValueError for anything else.
    """
    code = (code or "").strip()
    if not code.isdigit():
        raise ValueError(f"不是有效的区划或网格代码: {code!r}")
    if len(code) == DIVISION_CODE_LENGTH:
        return significant_prefix(code)
    allowed = (GRID_CODE_LENGTH,) if whole else [n for n in LENGTHS if n <= PREFIX_LENGTH[deepest]]
    if len(code) not in allowed or len(code) > PREFIX_LENGTH[deepest]:
        raise ValueError(f"不是有效的区划或网格代码: {code!r}")
    return code
