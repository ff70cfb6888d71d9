"""Test data: a small city with two streets, several grids and people, and staff for each role.

Shared by every app's tests (``conftest.py`` exposes them as fixtures).
"""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.db.models import F

from wangge.accounts.models import Role
from wangge.accounts.services import user_create
from wangge.grid.models import Building, Division, Grid, Household, Unit
from wangge.people.idcard import make_id_number
from wangge.people.models import Resident

TEST_PASSWORD = "Wangge2026test"
_sequence = itertools.count(1)


def valid_id_number(*, region: str = "420106", birth: dt.date = dt.date(1980, 5, 17), male: bool = True) -> str:
    """A fresh, valid ID number on every call."""
    n = next(_sequence) % 500
    return make_id_number(region, birth, n * 2 + (1 if male else 0))


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"区划{n}")


def build_division_chain(community_code: str) -> Division:
    """City, district, street and community for a 12-digit community code."""
    parent = None
    for length, level in ((4, 2), (6, 3), (9, 4), (12, 5)):
        code = community_code[:length].ljust(12, "0")
        names = {2: "武汉市", 3: "武昌区", 4: "街道", 5: "社区"}
        parent = DivisionFactory(
            code=code, level=level, parent=parent, name=f"{names[level]}{code[length - 3:length]}"
        )
    return parent


def build_grid(grid_code: str, *, buildings: int = 1, units: int = 1, households: int = 2) -> Grid:
    community = build_division_chain(grid_code[:12])
    grid = Grid.objects.create(code=grid_code, community=community, name=f"第{grid_code[-3:]}网格")
    for b in range(1, buildings + 1):
        building = Building.objects.create(
            code=f"{grid_code}{b:03d}", grid=grid, name=f"{b}栋", lat=30.55, lng=114.31
        )
        for u in range(1, units + 1):
            unit = Unit.objects.create(code=f"{building.code}{u:02d}", building=building, name=f"{u}单元")
            for h in range(1, households + 1):
                Household.objects.create(
                    code=f"{unit.code}{h:04d}", unit=unit, door_number=f"{h // 2 + 1}0{h % 2 + 1}",
                    address=f"{building.name}{unit.name}{h}室",
                )
    Grid.objects.filter(pk=grid.pk).update(
        building_count=buildings, household_count=buildings * units * households
    )
    return grid


def add_resident(household: Household, *, name: str = "张伟", male: bool = True, **extra) -> Resident:
    """A resident written straight to the table (the services are what the tests exercise)."""
    number = extra.pop("id_number", None) or valid_id_number(male=male)
    resident = Resident.objects.create(
        household=household, grid_code=household.grid_code, name=name, sex="M" if male else "F",
        id_number=number, id_tail=number[-4:], birth_date=dt.date(int(number[6:10]), int(number[10:12]),
                                                                   int(number[12:14])),
        phone=extra.pop("phone", "13800138000"), **extra,
    )
    Household.objects.filter(pk=household.pk).update(resident_count=F("resident_count") + 1)
    Grid.objects.filter(code=household.grid_code).update(resident_count=F("resident_count") + 1)
    return resident


def make_user(username: str, role: str = Role.GRID_WORKER, scope: list[str] | None = None, **kw):
    return user_create(
        username=username, password=TEST_PASSWORD, role=role, scope_codes=scope or [], check_password=False, **kw
    )
