"""The small city every test runs in, and who acts in it."""

from __future__ import annotations

from wangge.audit.context import Actor

GRID_A = "420106001001001"
GRID_B = "420106001001002"
GRID_C = "420106002001001"
STREET_1 = "420106001000"
STREET_2 = "420106002000"


def build_city() -> dict:
    """Grids A, B, C with two households each, and four residents: 张伟 and 李娜 in A, 王芳 in B, 刘洋 in C."""
    from wangge.core.testing.factories import add_resident, build_grid

    grids = {"A": build_grid(GRID_A), "B": build_grid(GRID_B), "C": build_grid(GRID_C)}
    households = {k: list(g.buildings.first().units.first().households.all()) for k, g in grids.items()}
    residents = {
        "A": add_resident(households["A"][0], name="张伟"),
        "A2": add_resident(households["A"][0], name="李娜", male=False, relation="spouse"),
        "B": add_resident(households["B"][0], name="王芳", male=False),
        "C": add_resident(households["C"][0], name="刘洋"),
    }
    return {"grids": grids, "households": households, "residents": residents}


def actor_for(user, channel: str = "web") -> Actor:
    """The ``actor`` a service takes, for ``user`` acting through ``channel`` (web, api, cli, task)."""
    return Actor(user=user, ip_address="127.0.0.1", user_agent="pytest", channel=channel)
