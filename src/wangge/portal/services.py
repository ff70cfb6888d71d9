"""Residents' sign-in (居民端): a phone number and a one-time code.

The code's own rules (6 random digits, stored as a keyed hash, 5 minutes, single use, burnt after
a few wrong guesses) are ``accounts.services.otp_*``; sending is ``messaging``; whom the account
acts for is ``people.selectors.acts_for``.  This module puts them together and holds the limits
per phone and per address (``core.throttle``; the settings ``WANGGE_THROTTLE_OTP_*``).

No enumeration: a phone with nobody registered under it gets exactly the "code sent" answer, is
counted against the same limits, and simply receives no code.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts import services as accounts
from wangge.accounts.models import ApiToken, User
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.errors import Conflict, RateLimited, ValidationFailed
from wangge.core.throttle import Throttle
from wangge.messaging import services as messaging
from wangge.messaging.adapters import SendFailed
from wangge.messaging.models import Purpose
from wangge.people.idcard import MOBILE_RE
from wangge.people.selectors import phone_has_residents

OTP_SHAPE = re.compile(r"[0-9]{6}")  # what a code looks like; anything else is wrong without a lookup
OTP_SEND_PHONE = Throttle("otp-send-phone", "WANGGE_THROTTLE_OTP_SEND_PHONE")
OTP_SEND_ADDRESS = Throttle("otp-send-address", "WANGGE_THROTTLE_OTP_SEND_ADDRESS")
OTP_VERIFY_PHONE = Throttle("otp-verify-phone", "WANGGE_THROTTLE_OTP_VERIFY_PHONE")
OTP_VERIFY_ADDRESS = Throttle("otp-verify-address", "WANGGE_THROTTLE_OTP_VERIFY_ADDRESS")


def clean_phone(text) -> str:
    """An 11-digit mainland mobile number from what was typed (spaces, dashes and +86 allowed)."""
    phone = str(text or "").strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not MOBILE_RE.match(phone):
        raise ValidationFailed(_("请输入11位手机号"), code="phone_invalid",
                               errors={"phone": _("手机号应为11位数字，以1开头")})
    return phone


def _over(throttle: Throttle, subject) -> bool:
    return bool(subject) and throttle.hit(subject) > throttle.limit


@transaction.atomic
def sign_in_code_send(*, actor: Actor, phone) -> None:
    """Send a sign-in code to ``phone`` if anyone is registered under it; the answer is the same
    either way.  Limited per phone and per calling address (``otp_rate_limited``)."""
    phone = clean_phone(phone)
    over_phone = _over(OTP_SEND_PHONE, phone)
    over_address = _over(OTP_SEND_ADDRESS, actor.ip_address)
    if over_phone or over_address:
        raise RateLimited(_("获取验证码过于频繁，请稍后再试"), code="otp_rate_limited")
    if not phone_has_residents(phone):
        return
    code = accounts.otp_issue(phone=phone)
    minutes = settings.WANGGE_OTP_SECONDS // 60
    text = _("【网格】您的登录验证码是 %(code)s，%(minutes)s 分钟内有效，仅可使用一次。请勿告诉他人。") % {
        "code": code, "minutes": minutes}
    try:
        messaging.send(recipient=phone, text=text, purpose=Purpose.SIGN_IN)
    except SendFailed:
        raise Conflict(_("验证码发送失败，请稍后再试"), code="otp_send_failed") from None


def sign_in_verify(*, actor: Actor, phone, code) -> User:
    """The resident account of ``phone`` if ``code`` is its live code (created at the first sign-in).

    Not one transaction on purpose: a wrong code's count (on the code, per phone, per address) and
    its audit entry must stay when the attempt is refused.
    """
    phone = clean_phone(phone)
    if OTP_VERIFY_PHONE.exhausted(phone) or (actor.ip_address and OTP_VERIFY_ADDRESS.exhausted(actor.ip_address)):
        raise RateLimited(_("验证码错误次数过多，请稍后再试"), code="otp_rate_limited")
    code = str(code or "").strip()
    if not (OTP_SHAPE.fullmatch(code)
            and accounts.otp_consume(phone=phone, code=code) and phone_has_residents(phone)):
        OTP_VERIFY_PHONE.hit(phone)
        if actor.ip_address:
            OTP_VERIFY_ADDRESS.hit(actor.ip_address)
        audit.record(actor=actor, action=AuditAction.LOGIN_FAILED, object_type="accounts.user",
                     object_repr=accounts.mask_mobile(phone), note="居民验证码登录失败")
        raise ValidationFailed(_("验证码错误或已失效，请重新获取"), code="otp_invalid",
                               errors={"code": _("验证码错误或已失效")})
    return accounts.resident_account_for_phone(phone=phone, actor=actor)


def resident_token_issue(*, user: User, actor: Actor) -> tuple[str, ApiToken]:
    """A bearer token for a resident's app, like any API token, expiring after
    ``WANGGE_RESIDENT_TOKEN_DAYS``."""
    expires = timezone.now() + timedelta(days=settings.WANGGE_RESIDENT_TOKEN_DAYS)
    raw = accounts.api_token_issue(user=user, name="居民端", actor=actor, expires_at=expires)
    return raw, ApiToken.objects.get(key_hash=accounts.hash_token(raw))
