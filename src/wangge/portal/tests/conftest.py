"""A household with a parent who has a phone, a child and a grandmother who have none, a grown-up
son with a phone of his own, and a neighbour in the next household: the 代办 rules' world."""

import pytest

from wangge.core.testing import GRID_A
from wangge.core.testing.factories import add_resident, build_grid

PARENT_PHONE = "13911110001"
SON_PHONE = "13911110002"
NEIGHBOUR_PHONE = "13911110003"


@pytest.fixture
def family(db):
    grid = build_grid(GRID_A, households=2)
    home, next_door = grid.buildings.get().units.get().households.order_by("code")
    parent = add_resident(home, name="李娟", male=False, phone=PARENT_PHONE)
    child = add_resident(home, name="李小明", relation="child", phone="")
    grandmother = add_resident(home, name="王秀英", male=False, relation="parent", phone="")
    son = add_resident(home, name="李强", relation="child", phone=SON_PHONE)
    neighbour = add_resident(next_door, name="赵刚", phone=NEIGHBOUR_PHONE)
    neighbour_child = add_resident(next_door, name="赵小丽", male=False, relation="child", phone="")
    return {"home": home, "next_door": next_door, "parent": parent, "child": child, "grandmother": grandmother,
            "son": son, "neighbour": neighbour, "neighbour_child": neighbour_child}


@pytest.fixture
def parent_account(family):
    from wangge.accounts.services import resident_account_for_phone
    from wangge.audit.context import Actor

    return resident_account_for_phone(phone=PARENT_PHONE, actor=Actor(user=None))
