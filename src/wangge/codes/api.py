"""API of health codes: a resident's code for staff, and what gates need to decide offline (the
public keys, and the codes whose colour worsened).  Thin callers of ``selectors`` and ``services``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from wangge.audit.context import Actor
from wangge.codes import keys, selectors, services
from wangge.codes.models import Colour
from wangge.core.api import READ_ERRORS, ErrorOut, page_limit
from wangge.core.inputs import Id, PageSize, Timestamp
from wangge.core.lists import keyset_page

router = Router(tags=["健康码"])


class ReasonOut(Schema):
    code: str
    colour: str
    text: str


class CodeOut(Schema):
    token: str
    colour: str
    colour_label: str
    reasons: list[ReasonOut]
    issued: dt.datetime
    expires: dt.datetime
    key_id: str


class KeyOut(Schema):
    kid: str
    kty: str
    crv: str
    x: str
    y: str
    alg: str
    use: str
    spki: str
    created_at: dt.datetime
    retired_at: dt.datetime | None = None


class KeysOut(Schema):
    format: str
    token_seconds: int
    keys: list[KeyOut]


class RevocationOut(Schema):
    ref: str
    colour: str
    at: dt.datetime
    at_unix: int


class RevocationPage(Schema):
    items: list[RevocationOut]
    next_cursor: str | None = None
    server_time: dt.datetime


class RevocationQuery(Schema):
    since: Timestamp | None = None
    cursor: str = ""
    limit: PageSize = None


def reason_out(reason: selectors.Reason) -> dict:
    return {"code": reason.code, "colour": reason.colour, "text": reason.text}


@router.get("/residents/{resident_id}/code", response={200: CodeOut, **READ_ERRORS, 403: ErrorOut},
            summary="居民当前的健康码（签名令牌、颜色及原因）")
def resident_code(request: HttpRequest, resident_id: Id):
    issued = services.code_for_resident(actor=Actor.for_api(request), resident_id=resident_id)
    return {"token": issued.token, "colour": issued.colour, "colour_label": str(Colour(issued.colour).label),
            "reasons": [reason_out(r) for r in issued.reasons], "issued": issued.issued,
            "expires": issued.expires, "key_id": issued.key_id}


@router.get("/gates/keys", response={200: KeysOut, 404: ErrorOut, 422: ErrorOut}, auth=None,
            summary="卡口验码公钥（JWK，ECDSA P-256；含 SPKI base64）")
def gate_keys(request: HttpRequest):
    return {"format": services.PREFIX, "token_seconds": settings.WANGGE_CODE_TOKEN_SECONDS,
            "keys": [{**k.jwk(), "spki": k.spki, "created_at": k.created_at, "retired_at": k.retired_at}
                     for k in keys.jwks()]}


@router.get("/gates/revocations", response={200: RevocationPage, **READ_ERRORS, 403: ErrorOut},
            summary="颜色变差的健康码（since 起，游标分页）")
def gate_revocations(request: HttpRequest, query: Query[RevocationQuery]):
    now = timezone.now()
    qs = selectors.revocations_for_gate(user=request.auth, since=query.since)
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    return {"items": [{"ref": r.ref, "colour": r.colour, "at": r.at, "at_unix": int(r.at.timestamp())}
                      for r in page.items],
            "next_cursor": page.next_cursor, "server_time": now}
