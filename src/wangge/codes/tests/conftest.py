"""Health-code fixtures.  The city, the staff and ``actor`` are shared."""

import pytest

from wangge.codes import keys


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    """Each test starts with no key remembered by the process (keys live in the test's database)."""
    keys.forget_cache()
    yield
    keys.forget_cache()


@pytest.fixture
def resident(city):
    return city["residents"]["A"]
