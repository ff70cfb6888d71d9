"""Gate fixtures: a gate of grid A's compound, a guard on shift there, and codes to show."""

import pytest

from wangge.accounts.models import Role
from wangge.codes import keys
from wangge.codes.services import issue_token
from wangge.core.testing import GRID_A, factories
from wangge.gates import selectors


@pytest.fixture(autouse=True)
def _fresh_caches():
    keys.forget_cache()
    selectors.forget_access()
    yield
    keys.forget_cache()
    selectors.forget_access()


@pytest.fixture
def gate(city):
    return factories.make_checkpoint(GRID_A, name="东门")


@pytest.fixture
def guard(gate):
    """A property company's guard: an account with no reach at all, on shift at the gate."""
    user = factories.make_user("guard_east", Role.VOLUNTEER, [], display_name="物业保安")
    factories.make_gate_duty(gate, user, kind="property_guard")
    return user


@pytest.fixture
def token():
    """The token of a resident's code now."""
    return lambda resident: issue_token(resident).token
