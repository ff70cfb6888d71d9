"""Quarantine fixtures: a CDC account on street 1 and a small site run by street 1."""

import pytest

from wangge.accounts.models import Role
from wangge.core.testing.factories import make_user
from wangge.quarantine.models import Room, Site

STREET_1_PREFIX = "420106001"


@pytest.fixture
def cdc(db):
    return make_user("cdc_1", Role.CDC, ["420106001000"], display_name="疾控")


@pytest.fixture
def site(db):
    """Three rooms: 101 and 102 with one bed, 103 with two."""
    site = Site.objects.create(name="江滩酒店隔离点", grid_code=STREET_1_PREFIX, address="沿江大道1号")
    for number, capacity in (("101", 1), ("102", 1), ("103", 2)):
        Room.objects.create(site=site, grid_code=STREET_1_PREFIX, number=number, capacity=capacity)
    return site


@pytest.fixture
def other_site(db):
    site = Site.objects.create(name="外街道隔离点", grid_code="420106002")
    Room.objects.create(site=site, grid_code="420106002", number="101", capacity=1)
    return site


def room(site, number):
    return site.rooms.get(number=number)
