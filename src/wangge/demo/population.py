"""Households and the people in them, generated fast and reproducibly.

Everything here is plain Python over precomputed lists and one ``random.Random``: no Faker call
and no ORM object per person, so ten million residents cost minutes, not hours.  A household is
drawn from a size (1-6, mean about 2.6), then from a composition that fits that size (a couple
with a child, three generations, an elderly person alone...), so relations and ages agree: a
child is at least 18 years younger than the head, a parent at least 18 years older.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from wangge.demo import data
from wangge.people.idcard import _CHECK_CHARS, _WEIGHTS


@dataclass(slots=True)
class Person:
    relation: str
    age: int
    sex: str  # "M" / "F"
    surname: str


# --- compositions -------------------------------------------------------------------------------
# Each returns [(relation, age, sex_or_None)], head first; sex None means "draw it".


def _single(rng: random.Random):
    band = rng.random()
    if band < 0.50:
        age = rng.randint(19, 34)
    elif band < 0.76:
        age = rng.randint(35, 59)
    else:
        age = rng.randint(60, 92)
    # Older people living alone are mostly widows.
    sex = ("F" if rng.random() < 0.62 else "M") if age >= 70 else None
    return [("head", age, sex)]


def _couple_age(rng: random.Random, low: int, high: int) -> tuple[int, int]:
    head = rng.randint(low, high)
    spouse = max(20, head + rng.randint(-6, 3))
    return head, spouse


def _couple(rng: random.Random):
    band = rng.random()
    if band < 0.30:
        head, spouse = _couple_age(rng, 24, 34)
    elif band < 0.67:
        head, spouse = _couple_age(rng, 35, 59)
    else:
        head, spouse = _couple_age(rng, 60, 88)
    return [("head", head, "M"), ("spouse", spouse, "F")]


def _child_age(rng: random.Random, parent_age: int) -> int:
    return max(0, parent_age - rng.randint(22, 32))


def _parent_age(rng: random.Random, head_age: int) -> int:
    return min(99, head_age + rng.randint(24, 32))


def _single_parent(rng: random.Random):
    head = rng.randint(32, 60)
    return [("head", head, None), ("child", _child_age(rng, head), None)]


def _couple_child(rng: random.Random):
    head, spouse = _couple_age(rng, 27, 58)
    return [("head", head, "M"), ("spouse", spouse, "F"), ("child", _child_age(rng, min(head, spouse)), None)]


def _couple_parent(rng: random.Random):
    head, spouse = _couple_age(rng, 30, 56)
    return [("head", head, "M"), ("spouse", spouse, "F"), ("parent", _parent_age(rng, head), None)]


def _grandparents_grandchild(rng: random.Random):
    # 隔代: grandparents bringing up a grandchild while the parents work elsewhere.
    head, spouse = _couple_age(rng, 55, 70)
    return [("head", head, "M"), ("spouse", spouse, "F"), ("grandchild", rng.randint(0, 12), None)]


def _couple_two_children(rng: random.Random):
    head, spouse = _couple_age(rng, 33, 55)
    first = _child_age(rng, min(head, spouse))
    second = max(0, first - rng.randint(1, 8))
    return [("head", head, "M"), ("spouse", spouse, "F"), ("child", first, None), ("child", second, None)]


def _couple_child_parent(rng: random.Random):
    head, spouse = _couple_age(rng, 28, 48)
    return [
        ("head", head, "M"), ("spouse", spouse, "F"), ("child", _child_age(rng, min(head, spouse)), None),
        ("parent", _parent_age(rng, head), None),
    ]


def _three_generations(rng: random.Random):
    # Grandparents head the household; a married child and a grandchild live with them.
    head, spouse = _couple_age(rng, 56, 72)
    child = max(24, head - rng.randint(25, 32))
    return [
        ("head", head, "M"), ("spouse", spouse, "F"), ("child", child, None),
        ("relative", max(22, child + rng.randint(-3, 3)), None),
        ("grandchild", max(0, child - rng.randint(24, 32)), None),
    ]


def _couple_child_two_parents(rng: random.Random):
    head, spouse = _couple_age(rng, 28, 46)
    return [
        ("head", head, "M"), ("spouse", spouse, "F"), ("child", _child_age(rng, min(head, spouse)), None),
        ("parent", _parent_age(rng, head), "M"), ("parent", _parent_age(rng, head) - rng.randint(0, 4), "F"),
    ]


def _couple_two_children_parent(rng: random.Random):
    members = _couple_two_children(rng)
    return [*members, ("parent", _parent_age(rng, members[0][1]), None)]


def _couple_two_children_two_parents(rng: random.Random):
    members = _couple_two_children(rng)
    head = members[0][1]
    return [*members, ("parent", _parent_age(rng, head), "M"), ("parent", _parent_age(rng, head) - 2, "F")]


def _three_generations_plus(rng: random.Random):
    return [*_three_generations(rng), ("grandchild", rng.randint(0, 10), None)]


COMPOSITIONS = {
    1: ([_single], [1.0]),
    2: ([_couple, _single_parent], [0.86, 0.14]),
    3: ([_couple_child, _couple_parent, _grandparents_grandchild], [0.76, 0.12, 0.12]),
    4: ([_couple_two_children, _couple_child_parent, _three_generations], [0.50, 0.30, 0.20]),
    5: ([_three_generations, _couple_child_two_parents, _couple_two_children_parent], [0.40, 0.30, 0.30]),
    6: ([_couple_two_children_two_parents, _three_generations_plus], [0.5, 0.5]),
}


def compose_household(rng: random.Random, size: int) -> list[tuple[str, int, str]]:
    """Members of a household of ``size``: [(relation, age, sex)], head first."""
    makers, weights = COMPOSITIONS[size]
    members = rng.choices(makers, weights)[0](rng)
    if len(members) > size:  # a five-person composition cut to fit the grid's last household
        members = members[:size]
    return [(rel, age, sex or ("M" if rng.random() < 0.515 else "F")) for rel, age, sex in members]


# --- names, numbers and dates ------------------------------------------------------------------


class NameMaker:
    """Chinese names from Faker's zh_CN lists (surnames weighted by frequency)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        surnames, weights, male, female = data.faker_name_lists()
        # A pool of 20,000 surnames drawn by frequency once, then sampled uniformly: as fast
        # as random.choice and with the right distribution.
        self.surnames = rng.choices(surnames, weights, k=20000)
        singles_m = [n for n in male if len(n) == 1]
        singles_f = [n for n in female if len(n) == 1]
        self.male = male + [a + b for a in singles_m for b in singles_m if a != b][:1500]
        self.female = female + [a + b for a in singles_f for b in singles_f if a != b][:1500]

    def surname(self) -> str:
        return self.surnames[int(self.rng.random() * 20000)]

    def given(self, sex: str) -> str:
        pool = self.male if sex == "M" else self.female
        return pool[int(self.rng.random() * len(pool))]


class IdNumbers:
    """Valid, unique 18-digit ID numbers (GB 11643), computed without per-digit Python loops."""

    _SEQ_WEIGHTS = _WEIGHTS[14:17]

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: dict[tuple[str, int, str], int] = {}
        self._date_text: dict[int, tuple[str, int]] = {}
        self._region_sum: dict[str, int] = {}
        self._seq_sum = [
            sum(int(d) * w for d, w in zip(f"{s:03d}", self._SEQ_WEIGHTS, strict=True)) for s in range(1000)
        ]

    def birth(self, ordinal: int) -> tuple[str, int]:
        """(ISO date, weighted digit sum of YYYYMMDD) for a day, cached."""
        hit = self._date_text.get(ordinal)
        if hit is None:
            day = dt.date.fromordinal(ordinal)
            digits = f"{day:%Y%m%d}"
            hit = (day.isoformat(), sum(int(d) * w for d, w in zip(digits, _WEIGHTS[6:14], strict=True)))
            self._date_text[ordinal] = hit
        return hit

    def make(self, region: str, ordinal: int, sex: str) -> tuple[str, str]:
        """(ID number, ISO birth date).  Moves the birth date a day if that day's numbers ran out."""
        region_sum = self._region_sum.get(region)
        if region_sum is None:
            region_sum = sum(int(d) * w for d, w in zip(region, _WEIGHTS[:6], strict=True))
            self._region_sum[region] = region_sum
        while True:
            key = (region, ordinal, sex)
            n = self.used.get(key, 0)
            if n < 500:
                break
            ordinal -= 1
        self.used[key] = n + 1
        # 500 sequence numbers per sex and day; start each day at a random place so the
        # numbers look like a real register's, not 001, 003, 005...
        start = (ordinal * 7919 + len(region) * 31 + (0 if sex == "M" else 250)) % 500
        seq = ((start + n) % 500) * 2 + (1 if sex == "M" else 0)
        iso, date_sum = self.birth(ordinal)
        first17 = f"{region}{iso[0:4]}{iso[5:7]}{iso[8:10]}{seq:03d}"
        check = _CHECK_CHARS[(region_sum + date_sum + self._seq_sum[seq]) % 11]
        return first17 + check, iso


def phone_number(rng: random.Random) -> str:
    prefixes = data.PHONE_PREFIXES
    return prefixes[int(rng.random() * len(prefixes))] + f"{int(rng.random() * 100_000_000):08d}"
