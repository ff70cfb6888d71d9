"""全员核酸 fixtures: a round over street 1 with a point in grid A.  The city, the staff and ``actor``
are shared."""

import pytest

from wangge.core.testing import GRID_A
from wangge.core.testing.factories import make_round, make_sampling_point


@pytest.fixture
def rnd(city):
    return make_round("420106001", name="街道全员核酸", control_level="precaution")


@pytest.fixture
def point(rnd):
    return make_sampling_point(rnd, grid_code=GRID_A, name="一号采样点", samplers=2)
