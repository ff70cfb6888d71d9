"""Fixtures shared by every app's tests: a small city and staff on different parts of it.

Grid A (420106001001001) and grid B (420106001001002) are in one community; grid C
(420106002001001) is in another street.  The grid worker reaches A only; the street officer
all of street 420106001; the outsider only street 420106002.
"""

import pytest

from wangge.accounts.models import Role
from wangge.audit.context import Actor
from wangge.core.testing.factories import add_resident, build_grid, make_user


def _flush_past_the_audit_log_triggers() -> None:
    """A transactional test (live server, browser) ends with Django's flush, one TRUNCATE of every
    table, which the audit log's statement trigger refuses, as it must in production.  The test
    database's superuser flushes in replica mode, where ordinary triggers do not fire, for that
    one transaction (SET LOCAL).  SQLite's flush is handled in tests/browser/conftest.py."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush


_flush_past_the_audit_log_triggers()

GRID_A = "420106001001001"
GRID_B = "420106001001002"
GRID_C = "420106002001001"
STREET_1 = "420106001000"
STREET_2 = "420106002000"


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters (wangge.core.throttle) live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def city(db):
    grids = {"A": build_grid(GRID_A), "B": build_grid(GRID_B), "C": build_grid(GRID_C)}
    households = {k: list(g.buildings.first().units.first().households.all()) for k, g in grids.items()}
    residents = {
        "A": add_resident(households["A"][0], name="张伟"),
        "A2": add_resident(households["A"][0], name="李娜", male=False, relation="spouse"),
        "B": add_resident(households["B"][0], name="王芳", male=False),
        "C": add_resident(households["C"][0], name="刘洋"),
    }
    return {"grids": grids, "households": households, "residents": residents}


@pytest.fixture
def grid_worker(db):
    return make_user("gw_a", Role.GRID_WORKER, [GRID_A], display_name="网格员甲")


@pytest.fixture
def street_officer(db):
    return make_user("street_1", Role.COMMAND, [STREET_1], display_name="街道指挥部")


@pytest.fixture
def outsider(db):
    return make_user("street_2", Role.COMMUNITY_WORKER, [STREET_2], display_name="外街道社工")


@pytest.fixture
def auditor(db):
    return make_user("auditor_1", Role.AUDITOR, [STREET_1], display_name="审计员")


@pytest.fixture
def volunteer(db):
    return make_user("vol_a", Role.VOLUNTEER, [GRID_A], display_name="志愿者")


def actor_for(user, channel="web"):
    return Actor(user=user, ip_address="127.0.0.1", user_agent="pytest", channel=channel)


@pytest.fixture
def actor():
    return actor_for
