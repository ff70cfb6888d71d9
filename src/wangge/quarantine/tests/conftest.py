"""Quarantine fixtures: a small site run by street 1 and one run by street 2 (the CDC officer is shared)."""

import pytest

from wangge.core.testing.factories import make_site

STREET_1_PREFIX = "420106001"


@pytest.fixture
def site(db):
    """Three rooms: 101 and 102 with one bed, 103 with two."""
    return make_site(STREET_1_PREFIX, address="沿江大道1号", rooms={"101": 1, "102": 1, "103": 2})


@pytest.fixture
def other_site(db):
    return make_site("420106002", name="外街道隔离点", rooms={"101": 1})


def room(site, number):
    return site.rooms.get(number=number)
