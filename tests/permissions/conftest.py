import pytest
from django.conf import settings
from django.db import transaction

from tests.permissions.world import build_world
from wangge.core.testing import login


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The matrix's city, built once per module inside a transaction that is rolled back at the end.

    Each test's ``db`` fixture opens a savepoint inside it, so what one case writes is undone before
    the next.  One logged-in page client per role is kept for the module (logging in is not free).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.page_clients, world.session_keys = {}, {}
        for role, user in world.users.items():
            client = login(user)
            world.page_clients[role] = client
            world.session_keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)
