"""Tracing fixtures: a CDC account on street 1, a site there, and an open investigation of 王芳 (grid B)."""

import pytest

from wangge.accounts.models import Role
from wangge.core.testing.factories import make_user
from wangge.quarantine.models import Room, Site
from wangge.tracing.models import Investigation


@pytest.fixture
def cdc(db):
    return make_user("cdc_1", Role.CDC, ["420106001000"], display_name="疾控")


@pytest.fixture
def investigation(city):
    case = city["residents"]["B"]
    return Investigation.objects.create(case=case, grid_code=case.grid_code)


@pytest.fixture
def site(db):
    site = Site.objects.create(name="江滩酒店隔离点", grid_code="420106001")
    for number in ("101", "102", "103"):
        Room.objects.create(site=site, grid_code="420106001", number=number, capacity=1)
    return site


@pytest.fixture
def street_grid_worker(db):
    """A grid worker whose reach covers the case's grid (B), to ask role questions rather than scope ones."""
    return make_user("gw_b", Role.GRID_WORKER, ["420106001001002"])
