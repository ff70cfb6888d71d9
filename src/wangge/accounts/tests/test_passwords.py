"""Password rules, applied when an account is created (accounts.services.user_create)."""

import pytest

from wangge.accounts.models import Role, User
from wangge.accounts.services import user_create
from wangge.core.errors import ValidationFailed


def create(password):
    return user_create(username="new_worker", password=password, role=Role.GRID_WORKER,
                       scope_codes=["420106001001001"])


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab12", "密码太短，至少需要 10 个字符"),
        ("4201060010", "密码只包含数字"),
        ("wanggeshequ", "密码必须同时包含字母和数字"),
        ("password123", "这个密码太常见了"),
    ],
    ids=["short", "numeric-only", "letters-only", "common"],
)
def test_a_weak_password_is_refused_with_a_chinese_reason(db, password, reason):
    with pytest.raises(ValidationFailed) as exc:
        create(password)
    assert exc.value.code == "weak_password"
    assert exc.value.message.startswith("密码不符合要求")
    assert reason in exc.value.message
    assert not User.objects.filter(username="new_worker").exists()


def test_a_password_resembling_the_username_is_refused(db):
    with pytest.raises(ValidationFailed):
        user_create(username="wangxiaoming2", password="wangxiaoming2", role=Role.GRID_WORKER, scope_codes=[])


def test_a_long_mixed_password_is_accepted_and_stored_hashed(db):
    user = create("Shequ2026grid")
    assert user.check_password("Shequ2026grid")
    assert "Shequ2026grid" not in user.password
