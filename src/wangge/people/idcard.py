"""Mainland resident ID numbers (GB 11643-1999) and masking of personal identifiers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from operator import mul

from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would admit full-width digits
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class IdNumberError(ValueError):
    """An ID number that fails GB 11643; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class IdNumberFacts:
    region_code: str
    birth_date: dt.date
    sex: str  # "M" or "F"


_WEIGHT_OF_ZEROS = 48 * sum(_WEIGHTS)  # ord("0") times every weight


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits.

    Works on the ASCII codes (ord(d) - 48 == int(d)): the importer calls this for every row.
    """
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("check_char needs exactly 17 digits")
    total = sum(map(mul, _WEIGHTS, first17.encode())) - _WEIGHT_OF_ZEROS
    return _CHECK_CHARS[total % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def parse_id_number(value: str, *, today: dt.date | None = None) -> IdNumberFacts:
    """Validate an 18-digit mainland ID number and read the facts it encodes."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise IdNumberError(_("身份证号码应为18位，实际为%(length)s位") % {"length": len(number)})
    if not _ID_RE.match(number):
        raise IdNumberError(_("身份证号码前17位必须是数字，最后一位是数字或X"))
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdNumberError(_("身份证号码校验位错误（应为%(expected)s）") % {"expected": expected})
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError(_("身份证号码中的出生日期无效")) from exc
    today = today or dt.date.today()
    if birth > today or birth.year < 1880:
        raise IdNumberError(_("身份证号码中的出生日期不在合理范围内"))
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberFacts(region_code=number[:6], birth_date=birth, sex=sex)


def make_id_number(region_code: str, birth_date: dt.date, sequence: int) -> str:
    """A valid ID number; ``sequence`` (0-999) is odd for men and even for women."""
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


# What a masked ID number keeps, by document type (``Resident.IdType``): at most this many leading and
# trailing characters, and never more than two fifths of the number.  The mainland card keeps its
# province and city (3) and the last four (what is read out at a door); the other documents are
# short (a passport or a permit is 8 or 9 characters), so they keep the letter that says which kind
# and the last two.  A type not listed here gets the strictest rule.
ID_MASK_KEEP: dict[str, tuple[int, int]] = {
    "resident_id": (3, 4),
    "passport": (1, 2),
    "hk_macao": (1, 2),
    "taiwan": (1, 2),
    "foreign_pr": (1, 3),
    "other": (1, 2),
}
_STRICTEST = (1, 2)


def mask_id_number(value: str, id_type: str) -> str:
    """``420***********1234``, ``E******78``: the one masking of an ID number, by its type.

    Lists, the API, exports and pages all show ``Resident.id_number_masked``, which calls this.
    """
    if not value:
        return ""
    max_lead, max_trail = ID_MASK_KEEP.get(id_type, _STRICTEST)
    budget = len(value) * 2 // 5
    lead = min(max_lead, budget // 2)
    trail = min(max_trail, budget - lead)
    return value[:lead] + "*" * (len(value) - lead - trail) + (value[-trail:] if trail else "")


def mask_phone(value: str) -> str:
    """``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def bulk_maskers() -> tuple[Callable[[str, str], str], Callable[[str], str]]:
    """``(mask_id_number, mask_phone)`` for an export of many rows: the same masks, each length's (and
    ID type's) cut worked out once and then kept, so a row costs two slices and a join."""
    cuts: dict[tuple[int, str], tuple[int, str, int]] = {}
    phone_cuts: dict[int, tuple[int, str, int]] = {}

    def cut_of(masked: str) -> tuple[int, str, int]:
        lead = len(masked) - len(masked.lstrip("x"))
        stars = masked.count("*")
        return lead, "*" * stars, lead + stars

    def id_number(value: str, id_type: str) -> str:
        if not value:
            return ""
        cut = cuts.get((len(value), id_type))
        if cut is None:
            cut = cuts[len(value), id_type] = cut_of(mask_id_number("x" * len(value), id_type))
        return value[: cut[0]] + cut[1] + value[cut[2]:]

    def phone(value: str) -> str:
        if not value:
            return ""
        cut = phone_cuts.get(len(value))
        if cut is None:
            cut = phone_cuts[len(value)] = cut_of(mask_phone("x" * len(value)))
        return value[: cut[0]] + cut[1] + value[cut[2]:]

    return id_number, phone
