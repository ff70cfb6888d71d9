"""A user's reach is made of well-formed division or grid codes; anything else is refused."""

import pytest

from wangge.accounts.models import Role, ScopeGrant, User
from wangge.accounts.services import user_create
from wangge.core.errors import ValidationFailed
from wangge.core.testing.factories import make_user


@pytest.mark.parametrize("code", ["42010600100", "42010600100x", "42010600100a001", "4201060010010011", ""])
def test_user_create_refuses_a_malformed_scope_code(db, code):
    with pytest.raises(ValidationFailed) as exc:
        user_create(username="w1", password="Shequ2026grid", role=Role.GRID_WORKER, scope_codes=[code])
    assert "代码" in exc.value.message
    assert not User.objects.filter(username="w1").exists()


def test_a_scope_grant_with_a_malformed_code_cannot_be_saved(grid_worker):
    with pytest.raises(ValueError, match="不是有效的区划或网格代码"):
        ScopeGrant.objects.create(user=grid_worker, code="12345")


def test_user_create_refuses_an_unknown_role(db):
    with pytest.raises(ValidationFailed) as raised:
        user_create(username="w1", password="Shequ2026grid", role="mayor", scope_codes=[])
    assert raised.value.code == "unknown_role"


def test_scope_codes_become_prefixes(db):
    user = make_user("mixed", Role.COMMUNITY_WORKER, ["420106001000", "420106002001001"])
    assert user.scope_prefixes == ["420106001", "420106002001001"]


@pytest.mark.parametrize("code", ["4201", "420106001"])
def test_a_bare_prefix_is_not_a_scope_code(db, code):
    with pytest.raises(ValidationFailed) as raised:
        user_create(username="w2", password="Shequ2026grid", role=Role.GRID_WORKER, scope_codes=[code])
    assert raised.value.code == "invalid_scope"
