"""The lengths of the grid-code levels are written once, in ``core/codes.py``.

Everything else names them (``GRID_CODE_LENGTH``, ``prefix_at(code, Level.COMMUNITY)``,
``child_length(prefix)``, ``is_household_code(code)``).  This test reads the source and fails on a
level length (2, 4, 6, 9, 12, 15, 18, 20 or 24) written as a literal where a code is cut,
measured, padded or matched: slices and ``len`` comparisons of code-like names, length variables
compared with a level length, ``ljust``/``zfill``, ``Substr(..., 1, N)``, tables of level lengths,
``\\d{N}`` in a code's pattern and ``max_length`` of a code field.  Other numbers (a name of two
characters, an ID number's 18 digits, twenty rows) are not code lengths and pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import wangge

ROOT = Path(wangge.__file__).parent
N = r"(?:2|4|6|9|12|15|18|20|24)"
CODE = r"[\w.]*(?:code|prefix|within|cursor)[\w.]*"  # grid_code, area.prefix, within, cursor ...

RULES = {
    "slice": re.compile(rf"\b{CODE}(?:\([^()]*\))?\s*\[\s*(?::\s*{N}|{N}\s*:)\s*\]"),
    "len": re.compile(rf"\blen\(\s*{CODE}\s*\)\s*(?:==|!=|<=|>=|<|>|in|not in)\s*[(\[{{]?\s*{N}\b"),
    "length variable": re.compile(rf"\b\w*(?:len|length)\b\s*(?:==|!=|<=|>=|<|>)\s*{N}\b"),
    "padding": re.compile(rf"\.(?:ljust|rjust|zfill)\(\s*{N}\b"),
    "substr": re.compile(rf"Substr\([^)]*,\s*1\s*,\s*{N}\s*\)"),
    "level table": re.compile(rf"(?:\{{\s*{N}\s*:\s*{N}\s*,|[(\[]\s*{N}\s*,\s*{N}\s*,\s*{N}\s*[,)\]])"),
    "pattern": re.compile(rf"(?i)(?:code|prefix).*(?:\\d|\[0-9\])\{{(?:0,)?{N}(?:,\d*)?\}}"),
    "column": re.compile(rf"\w*code\w* varchar\({N}\)"),
    "field length": re.compile(rf"\b(?:\w*code|prefix|within)\s*=\s*(?:models|forms)\.\w+\(.*(?:max|min)_length={N}\b"),
}

# The scheme itself, the tests' and the test kit's fixture data, and the migrations' history.
EXCLUDED = ("core/codes.py", "/tests/", "core/testing/", "/migrations/")


def sources() -> list[Path]:
    """Every Python file of the apps, and the new-app template (``*.py-tpl``) a new app starts from."""
    return sorted(
        p for pattern in ("*.py", "*.py-tpl") for p in ROOT.rglob(pattern)
        if not any(part in "/" + p.relative_to(ROOT).as_posix() for part in EXCLUDED)
    )


def findings(text: str) -> list[tuple[int, str, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code_part = line.split("#", 1)[0] if not line.lstrip().startswith(("'", '"')) else line
        for rule, pattern in RULES.items():
            if pattern.search(code_part):
                found.append((number, rule, line.strip()))
    return found


def test_no_grid_code_length_is_written_outside_codes():
    problems = [
        f"{path.relative_to(ROOT)}:{number}: {rule}: {line}"
        for path in sources()
        for number, rule, line in findings(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "grid-code lengths belong in wangge.core.codes:\n" + "\n".join(problems)


TEMPLATE_RULES = {
    "length filter": re.compile(rf"\|length\s*(?:==|!=|<=|>=|<|>)\s*{N}\b"),
    "length property": re.compile(rf"\w*length\s*(?:==|!=|<=|>=|<|>)\s*{N}\b"),
}


def test_no_template_compares_a_code_length():
    problems = [
        f"{path.relative_to(ROOT)}:{number}: {rule}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for rule, pattern in TEMPLATE_RULES.items()
        if pattern.search(line)
    ]
    assert not problems, "ask the area (area.children_are_grids, row.has_children), not its code's length:\n" + (
        "\n".join(problems)
    )


def test_the_scan_reads_the_apps():
    names = {p.relative_to(ROOT).as_posix() for p in sources()}
    assert {"grid/selectors.py", "screening/selectors.py", "health/views.py"} <= names
    assert not any("/tests/" in n or n == "core/codes.py" for n in names)


@pytest.mark.parametrize("line", [
    "prefix = code[:6]",
    "grid = household.grid_code[:15]",
    "rest = code[12:]",
    "if len(code) == 12 and code.isdigit():",
    "if len(area_code) not in (12, 15):",
    "if len(area.prefix) < 15:",
    "field = code_field if child_len > 15 else 'grid_code'",
    'code = prefix.ljust(12, "0")',
    'qs.annotate(child=Substr("grid_code", 1, 9))',
    "CHILD_LENGTH = {2: 4, 4: 6, 6: 9}",
    "return [prefix[:n] for n in (2, 4, 6, 9, 12)]",
    'grid_code = common_prefix(user)[:15]',
    'CODE_PATTERN = "^[0-9]{0,24}$"',
    '"tag_id bigint, grid_code varchar(15)) ON COMMIT DROP"',
    '_HOUSEHOLD_CODE_RE = re.compile(r"^\\d{24}$")',
    'grid_code = models.CharField(_("网格代码"), max_length=15)',
])
def test_a_code_length_literal_is_found(line):
    assert findings(line), line


@pytest.mark.parametrize("line", [
    "if len(name) == 2:",
    "if len(number) != 18:",
    "region_code=number[:6]",  # an ID number's region, not a grid code
    "rows = list(qs[:20])",
    'value = text[:20]',
    "password = ''.join(secrets.choice(alphabet) for _ in range(12))",
    'MOBILE_RE = re.compile(r"^1[3-9]\\d{9}$")',
    'phone = models.CharField(_("电话"), max_length=20)',
    "prefix = prefix_at(code, Level.COMMUNITY)",
    "if len(prefix) > GRID_CODE_LENGTH:",
])
def test_other_numbers_pass(line):
    assert not findings(line), line
