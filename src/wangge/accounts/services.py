"""Accounts: creating staff with their reach, and API tokens."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import ApiToken, Role, ScopeGrant, User, hash_token
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import is_scope_code, significant_prefix
from wangge.core.errors import ValidationFailed


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    scope_codes: list[str],
    display_name: str = "",
    phone: str = "",
    check_password: bool = True,
) -> User:
    """A staff account reaching the given division or grid codes."""
    if role not in Role.values:
        raise ValidationFailed(
            _("未知角色：%(role)s") % {"role": role},
            code="unknown_role",
            errors={"role": _("未知角色")},
        )
    for code in scope_codes:
        try:
            if not is_scope_code(code):
                raise ValueError(f"管辖范围必须是12位区划代码或15位网格代码：{code!r}")
            significant_prefix(code)
        except ValueError:
            message = _("管辖范围必须是12位区划代码或15位网格代码：%(code)s") % {"code": code}
            raise ValidationFailed(message, code="invalid_scope", errors={"scope_codes": message}) from None
    user = User(username=username, role=role, display_name=display_name, phone=phone)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            message = _("密码不符合要求：%(details)s") % {"details": " ".join(exc.messages)}
            raise ValidationFailed(message, code="weak_password", errors={"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    for code in scope_codes:
        ScopeGrant.objects.create(user=user, code=code)
    return user


@transaction.atomic
def api_token_issue(*, user: User, name: str = "", actor: Actor | None = None) -> str:
    """A new bearer token for ``user``; the raw key is returned once and never stored."""
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8])
    audit.record(
        actor=actor or Actor.cli(user), action=AuditAction.TOKEN, obj=token,
        object_repr=f"{user.username} {token.prefix}…", grid_code=common_prefix(user),
    )
    return raw


def api_token_user(raw: str) -> User | None:
    """The active user behind a bearer token, or None."""
    if not raw:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy integration must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def common_prefix(user: User) -> str:
    """The longest code prefix shared by all of ``user``'s reach (where their actions belong)."""
    prefixes = user.scope_prefixes
    if not prefixes:
        return ""
    first, last = min(prefixes), max(prefixes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]
