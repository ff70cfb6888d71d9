"""The suite's shared fixtures, a pytest plugin registered once by the root ``conftest.py``.

An app's own ``tests/conftest.py`` adds only what is that app's (a campaign, a quarantine site);
the city, the staff and the actor are here.  Staff (see ``wangge.core.testing`` for the city):

=================  ====================  ==============================
fixture            role                  reach
=================  ====================  ==============================
grid_worker        grid_worker           grid A
volunteer          volunteer             grid A
street_officer     command               street 1 (grids A and B)
cdc                cdc                   street 1
community_worker   community_worker      street 1
auditor            auditor               street 1
outsider           community_worker      street 2 (grid C)
=================  ====================  ==============================
"""

from __future__ import annotations

import pytest

from wangge.accounts.models import Role
from wangge.core.testing.city import GRID_A, STREET_1, STREET_2, actor_for, build_city
from wangge.core.testing.factories import make_investigation, make_user


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


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (Chinese).  Django's LocaleMiddleware activates a
    request's language for the thread and leaves it active, so without this a test that asked for
    English would make the next test in the same worker render lazy strings in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters (wangge.core.throttle) live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def city(db):
    return build_city()


@pytest.fixture
def grid_worker(db):
    return make_user("gw_a", Role.GRID_WORKER, [GRID_A], display_name="网格员甲")


@pytest.fixture
def volunteer(db):
    return make_user("vol_a", Role.VOLUNTEER, [GRID_A], display_name="志愿者")


@pytest.fixture
def street_officer(db):
    return make_user("street_1", Role.COMMAND, [STREET_1], display_name="街道指挥部")


@pytest.fixture
def cdc(db):
    return make_user("cdc_1", Role.CDC, [STREET_1], display_name="疾控")


@pytest.fixture
def community_worker(db):
    return make_user("cw_1", Role.COMMUNITY_WORKER, [STREET_1], display_name="社区工作者")


@pytest.fixture
def auditor(db):
    return make_user("auditor_1", Role.AUDITOR, [STREET_1], display_name="审计员")


@pytest.fixture
def outsider(db):
    return make_user("street_2", Role.COMMUNITY_WORKER, [STREET_2], display_name="外街道社工")


@pytest.fixture
def actor():
    """``actor(user, channel="web")``: the Actor a service takes."""
    return actor_for


@pytest.fixture
def investigation(city):
    """An open investigation of 王芳 (grid B, street 1), written straight to the table."""
    return make_investigation(city["residents"]["B"])
