"""API of residents' own accounts (居民端): sign in with a phone and a code, then 我的.

``POST /auth/otp`` sends a code (the same answer whether or not anyone is registered under the
phone); ``POST /auth/otp/verify`` exchanges it for a bearer token (an ``ApiToken`` like any other,
expiring after ``WANGGE_RESIDENT_TOKEN_DAYS``); ``GET /me/household`` lists only the people the
account acts for (``people.selectors.acts_for``), audited.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from wangge.audit.context import Actor
from wangge.core.api import PUBLIC_WRITE_ERRORS, READ_ERRORS, WRITE_ERRORS
from wangge.core.inputs import Id
from wangge.portal import selectors, services

router = Router(tags=["居民端"])


class OtpIn(Schema):
    phone: str


class OtpSentOut(Schema):
    sent: bool  # always true: whether anyone is registered under the phone is never said
    expires_in: int  # seconds a code lives
    message: str


class OtpVerifyIn(Schema):
    phone: str
    code: str


class ResidentTokenOut(Schema):
    token: str  # send as ``Authorization: Bearer TOKEN``
    expires_at: dt.datetime
    username: str


@router.post("/auth/otp", auth=None, response={200: OtpSentOut, **PUBLIC_WRITE_ERRORS},
             summary="居民登录：向手机号发送验证码（无论是否登记，回答相同；按手机号和来源地址限次）")
def otp_send(request: HttpRequest, payload: OtpIn):
    services.sign_in_code_send(actor=Actor.from_request(request, channel="api"), phone=payload.phone)
    return {"sent": True, "expires_in": settings.WANGGE_OTP_SECONDS,
            "message": _("如该手机号已在社区登记，验证码已发送，5 分钟内有效。")}


@router.post("/auth/otp/verify", auth=None, response={200: ResidentTokenOut, **PUBLIC_WRITE_ERRORS},
             summary="居民登录：用验证码换取令牌（验证码 5 分钟内有效、只能用一次；首次登录即创建居民账号）")
def otp_verify(request: HttpRequest, payload: OtpVerifyIn):
    actor = Actor.from_request(request, channel="api")
    user = services.sign_in_verify(actor=actor, phone=payload.phone, code=payload.code)
    raw, token = services.resident_token_issue(user=user, actor=Actor(user=user, ip_address=actor.ip_address,
                                                                      user_agent=actor.user_agent, channel="api"))
    return {"token": raw, "expires_at": token.expires_at, "username": user.username}


class SelfMemberOut(Schema):
    id: int
    name: str
    relation: str
    id_number_masked: str
    monitored: bool
    declared_today: bool


class SelfHouseholdOut(Schema):
    id: int
    address: str
    members: list[SelfMemberOut]


class SelfHouseholdsOut(Schema):
    households: list[SelfHouseholdOut]


@router.get("/me/household", response={200: SelfHouseholdsOut, **READ_ERRORS, 403: WRITE_ERRORS[403]},
            summary="我的：本人及代办家人（仅限本账号可代办的人，读取记入审计日志）")
def my_household(request: HttpRequest):
    views = selectors.my_households(actor=Actor.for_api(request))
    return {"households": [
        {"id": v.household.pk, "address": v.household.address or v.household.door_number,
         "members": [{"id": s.resident.pk, "name": s.resident.name, "relation": s.resident.relation,
                      "id_number_masked": s.resident.id_number_masked, "monitored": s.monitored,
                      "declared_today": s.declared_today} for s in v.members]}
        for v in views
    ]}


class SelfCodeOut(Schema):
    token: str  # WG1.<payload>.<signature>: show it as a QR; gates verify it offline
    colour: str  # g, y or r
    reasons: list[str]
    expires: dt.datetime


@router.get("/me/residents/{resident_id}/code", response={200: SelfCodeOut, **READ_ERRORS, 403: WRITE_ERRORS[403]},
            summary="我的：本人或代办家人的健康码（签名令牌；其他人一律 404，读取记入审计日志）")
def my_code(request: HttpRequest, resident_id: Id):
    issued = selectors.my_code(actor=Actor.for_api(request), pk=resident_id)
    return {"token": issued.token, "colour": issued.colour, "reasons": [r.text for r in issued.reasons],
            "expires": issued.expires}
