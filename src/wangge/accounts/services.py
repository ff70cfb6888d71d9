"""Accounts: creating staff with their reach, API tokens, and residents' sign-in codes and accounts."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from wangge.accounts.models import ApiToken, OneTimeCode, Role, ScopeGrant, User, hash_token
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
def api_token_issue(*, user: User, name: str = "", actor: Actor | None = None, expires_at=None) -> str:
    """A new bearer token for ``user``; the raw key is returned once and never stored."""
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8],
                                    expires_at=expires_at)
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


# --- Residents: sign-in codes and their accounts ----------------------------------------------------

OTP_KEY_SALT = "wangge.accounts.otp"


def otp_hash(phone: str, code: str) -> str:
    """The stored form of ``code``: keyed by the installation's secret and bound to the phone, so
    the table alone cannot be searched through the million possible codes."""
    return salted_hmac(OTP_KEY_SALT, f"{phone}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def otp_issue(*, phone: str, now=None) -> str:
    """A new code for ``phone`` (already a valid mobile number); returns the 6 digits, which only the
    message carries.  The phone's earlier codes stop counting: only the newest is checked."""
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.create(phone=phone, code_hash=otp_hash(phone, code),
                               expires_at=now + timedelta(seconds=settings.WANGGE_OTP_SECONDS))
    return code


@transaction.atomic
def otp_consume(*, phone: str, code: str, now=None) -> bool:
    """Whether ``code`` is the phone's newest code, unexpired and unused; it is then used up.

    A wrong guess is counted on the code (and the code burnt at ``WANGGE_OTP_MAX_ATTEMPTS``), so this
    commits on its own: the caller's refusal must not roll the count back.
    """
    now = now or timezone.now()
    row = OneTimeCode.objects.select_for_update().filter(phone=phone).order_by("-id").first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return False
    if row.failed_attempts >= settings.WANGGE_OTP_MAX_ATTEMPTS:
        return False
    if not hmac.compare_digest(row.code_hash, otp_hash(phone, code)):
        row.failed_attempts += 1
        row.save(update_fields=["failed_attempts"])
        return False
    row.used_at = now
    row.save(update_fields=["used_at"])
    return True


def resident_username(phone: str) -> str:
    """A resident account's username: stable for the phone, and not the phone (audit lines show it)."""
    return "resident-" + salted_hmac("wangge.accounts.resident", phone, algorithm="sha256").hexdigest()[:16]


def mask_mobile(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else phone


@transaction.atomic
def resident_account_for_phone(*, phone: str, actor: Actor) -> User:
    """The resident account of ``phone`` (a verified mobile number), created at its first sign-in.

    Whom it acts for is not stored here: ``people.selectors.acts_for`` reads it from the registry at
    every request, so a phone corrected by staff takes effect at once.
    """
    user = User.objects.filter(role=Role.RESIDENT, phone=phone).order_by("id").first()
    if user is not None:
        return user
    user = User(username=resident_username(phone), role=Role.RESIDENT, phone=phone,
                display_name=mask_mobile(phone))
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same phone signing in twice at once: the other request made it
        return User.objects.get(username=resident_username(phone))
    audit.record(actor=actor, action=AuditAction.CREATE, obj=user, object_repr=user.display_name,
                 note="居民首次用手机验证码登录，创建居民账号")
    return user
