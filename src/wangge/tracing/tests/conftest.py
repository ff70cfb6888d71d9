"""Tracing fixtures: a site on street 1 with three one-bed rooms, and a grid worker over the case's grid.

The CDC officer and the open investigation of 王芳 (grid B) are shared (``wangge.core.testing.fixtures``).
"""

import pytest

from wangge.accounts.models import Role
from wangge.core.testing.factories import make_site, make_user


@pytest.fixture
def site(db):
    return make_site("420106001", rooms={"101": 1, "102": 1, "103": 1})


@pytest.fixture
def street_grid_worker(db):
    """A grid worker whose reach covers the case's grid (B), to ask role questions rather than scope ones."""
    return make_user("gw_b", Role.GRID_WORKER, ["420106001001002"])
