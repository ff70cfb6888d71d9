"""The permission table (wangge/accounts/permissions.py) is the one the matrix proves.

``test_matrix.py`` asks every endpoint, as every role, using the role sets of ``matrix.py``; here
those same sets are held against the table the code reads, action by action, so a change to the
table that the matrix does not also make fails the suite (and the other way round)."""

from __future__ import annotations

from tests.permissions.matrix import ACTIONS
from wangge.accounts.models import Role, User
from wangge.accounts.permissions import PERMISSIONS, as_markdown, can


def test_the_matrix_names_every_action_of_the_table_and_no_other():
    assert sorted(PERMISSIONS.keys() - ACTIONS.keys()) == [], "actions in the table the matrix does not name"
    assert sorted(ACTIONS.keys() - PERMISSIONS.keys()) == [], "actions in the matrix the table does not have"


def test_each_action_is_allowed_to_the_roles_the_matrix_says():
    differ = {
        action: {"table": sorted(rule.roles), "matrix": sorted(ACTIONS[action])}
        for action, rule in PERMISSIONS.items()
        if rule.roles != ACTIONS.get(action)
    }
    assert not differ, differ


def test_can_answers_the_matrix_for_every_role_and_action():
    """``can`` (what services and pages ask) agrees with the matrix for a user of each role."""
    users = {role.value: User(username=f"table_{role.value}", role=role) for role in Role}
    wrong = [
        (action, role)
        for role, user in users.items()
        for action, roles in ACTIONS.items()
        if can(user, action) != (role in roles) or user.may(action) != (role in roles)
    ]
    assert not wrong, wrong


def test_the_table_prints_as_markdown(capsys):
    table = as_markdown()
    print(table)
    assert table.count("\n") == len(PERMISSIONS) + 1
    assert all(str(r.label) in table.splitlines()[0] for r in Role)
