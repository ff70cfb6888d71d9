"""What every app's tests share: the small city, its staff, clients logged in, factories.

- ``wangge.core.testing.fixtures``: the pytest fixtures (``city``, ``grid_worker``, ``cdc``, ``actor`` ...),
  registered once for the whole suite by the root ``conftest.py``.
- ``wangge.core.testing.clients``: ``login(user)`` (a page client), ``Api(user)`` (/api/v1/ with a bearer
  token), ``api_client(user)``, ``force_login(client, user)`` and ``rows_of(response)`` (an Excel download).
- ``wangge.core.testing.factories``: one ``make_*`` factory for every model of every app.

The city: grid A (420106001001001) and grid B (420106001001002) are in one community of street 1;
grid C (420106002001001) is in street 2.  The grid worker reaches grid A only; the street officer,
the CDC officer and the community worker all of street 1; the outsider only street 2.
"""

from wangge.core.testing.city import GRID_A, GRID_B, GRID_C, STREET_1, STREET_2, actor_for
from wangge.core.testing.clients import Api, api_client, force_login, login, rows_of
from wangge.core.testing.factories import TEST_PASSWORD

__all__ = [
    "GRID_A", "GRID_B", "GRID_C", "STREET_1", "STREET_2", "TEST_PASSWORD",
    "Api", "actor_for", "api_client", "force_login", "login", "rows_of",
]
