"""API of gates: the online decision (one round trip), a gate's queued offline scans (idempotent
batches), what a gate keeps for deciding offline, and checkpoints, the roster and passes.  The
keys and the revocation list a gate verifies with are codes' (``GET /gates/keys``,
``GET /gates/revocations``).  Thin callers of ``selectors`` and ``services``."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from wangge.accounts.permissions import require
from wangge.audit.context import Actor
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.inputs import Id, PageSize, Temperature, Timestamp
from wangge.core.lists import keyset_page
from wangge.gates import rules, selectors, services
from wangge.gates.models import ControlLevel, GatePass, GuardKind

router = Router(tags=["卡口"])

Text = Annotated[str, Field(max_length=512)]
Short = Annotated[str, Field(max_length=100)]


class ScanIn(Schema):
    checkpoint_id: Id
    direction: Literal["in", "out"]
    token: Text = ""
    paper_code: Annotated[str, Field(max_length=40)] = ""
    id_number: Annotated[str, Field(max_length=30)] = ""
    temperature: Temperature
    mask: bool
    uuid: uuidlib.UUID | None = None


class DecisionOut(Schema):
    uuid: str
    decision: Literal["pass", "refuse"]
    reason: str
    reason_text: str
    colour: str
    name: str
    door: str
    direction: str
    at: dt.datetime
    pass_kind: str
    recorded: bool


def decision_out(result: services.ScanResult) -> dict:
    return {"uuid": result.uuid, "decision": "pass" if result.passed else "refuse", "reason": result.reason,
            "reason_text": result.reason_text, "colour": result.colour, "name": result.name, "door": result.door,
            "direction": result.direction, "at": result.at, "pass_kind": result.pass_kind,
            "recorded": result.recorded}


@router.post("/gates/scan", response={200: DecisionOut, **WRITE_ERRORS},
             summary="卡口验码：一次往返给出放行或拒绝及原因，并记录出入（四必）")
def gate_scan(request: HttpRequest, payload: ScanIn):
    result = services.scan(actor=Actor.for_api(request), checkpoint_id=payload.checkpoint_id,
                           direction=payload.direction, temperature=payload.temperature, mask=payload.mask,
                           token=payload.token.strip(), paper_code=payload.paper_code.strip(),
                           id_number=payload.id_number.strip(), scan_uuid=payload.uuid)
    return decision_out(result)


class OfflineScanIn(BaseModel):
    """One scan a gate decided offline.  A plain pydantic model, not a ninja ``Schema``: a batch holds
    thousands, and ``Schema``'s per-object attribute resolution (for ORM objects) costs more than
    the rest of the ingest."""

    uuid: uuidlib.UUID
    at: Timestamp
    direction: Literal["in", "out"]
    method: Literal["token", "paper", "id"] = "token"
    ref: Annotated[str, Field(max_length=32)] = ""
    colour: Literal["g", "y", "r", ""] = ""
    passed: bool
    reason: Annotated[str, Field(max_length=24)] = ""
    temperature: Temperature | None = None
    mask: bool | None = None
    pass_id: Id | None = None
    uses_quota: bool = False


class ScanBatchIn(Schema):
    checkpoint_id: Id
    scans: Annotated[list[OfflineScanIn], Field(max_length=services.MAX_BATCH)]


class ScanBatchOut(Schema):
    received: int
    recorded: int
    duplicates: int
    refused: list[str]


@router.post("/gates/scans", response={200: ScanBatchOut, **WRITE_ERRORS},
             summary="上传卡口离线扫码记录（按设备生成的 uuid 去重，重复上传只记一次）")
def gate_scans(request: HttpRequest, payload: ScanBatchIn):
    scans = [services.OfflineScan(**s.model_dump()) for s in payload.scans]
    result = services.scans_upload(actor=Actor.for_api(request), checkpoint_id=payload.checkpoint_id, scans=scans)
    return {"received": result.received, "recorded": result.recorded, "duplicates": result.duplicates,
            "refused": result.refused}


class CheckpointOut(Schema):
    id: int
    name: str
    grid_code: str
    compound: str
    level: str
    level_name: str
    outing_days: int
    outing_people: int


def checkpoint_out(c) -> dict:
    return {"id": c.pk, "name": c.name, "grid_code": c.grid_code, "compound": c.compound, "level": c.level,
            "level_name": str(ControlLevel(c.level).label), "outing_days": c.outing_days,
            "outing_people": c.outing_people}


class CheckpointPage(Schema):
    items: list[CheckpointOut]
    next_cursor: str | None = None


class ScanPageQuery(Schema):
    cursor: Annotated[str, Field(max_length=500)] = ""
    limit: PageSize = None


@router.get("/gates/checkpoints", response={200: CheckpointPage, **READ_ERRORS},
            summary="管辖范围内的卡口")
def checkpoint_list(request: HttpRequest, query: Query[ScanPageQuery]):
    page = keyset_page(selectors.checkpoint_queryset(user=request.auth), cursor=query.cursor,
                       limit=page_limit(query.limit))
    return {"items": [checkpoint_out(c) for c in page.items], "next_cursor": page.next_cursor}


@router.get("/gates/duty", response={200: CheckpointPage, **READ_ERRORS},
            summary="我现在可以值守的卡口（排班中的，及管辖范围内由我管理的）")
def my_gates(request: HttpRequest, query: Query[ScanPageQuery]):
    page = keyset_page(selectors.gates_of_guard(user=request.auth), cursor=query.cursor,
                       limit=page_limit(query.limit))
    return {"items": [checkpoint_out(c) for c in page.items], "next_cursor": page.next_cursor}


class OfflineOut(Schema):
    checkpoint: dict
    synced_at: int
    period: str
    today: str
    residents: list[list]
    passes: list[list]
    paper: list[list]
    outings: dict[int, int]
    pass_exits: dict[int, int]
    revocations: list[list]
    reasons: dict[str, str]


@router.get("/gates/checkpoints/{checkpoint_id}/offline",
            response={200: OfflineOut, **READ_ERRORS, 403: READ_ERRORS[404]},
            summary="卡口离线判定所需数据（本小区居民的码编号、脱敏姓名、户号；出入证；已用外出名额；不含证件号）")
def offline_data(request: HttpRequest, checkpoint_id: Id):
    require(request.auth, selectors.SCAN)
    access = selectors.gate_for_guard(user=request.auth, checkpoint_id=checkpoint_id)
    return {**selectors.offline_bundle(access.checkpoint), "reasons": rules.reason_texts()}


class ScanOut(Schema):
    id: int
    at: dt.datetime
    direction: str
    method: str
    decision: Literal["pass", "refuse"]
    reason: str
    colour: str
    temperature: float | None = None
    mask: bool | None = None
    resident_id: int | None = None
    offline: bool


class ScanPage(Schema):
    items: list[ScanOut]
    next_cursor: str | None = None


@router.get("/gates/checkpoints/{checkpoint_id}/scans", response={200: ScanPage, **READ_ERRORS},
            summary="卡口出入记录（最新在前，游标分页；管辖范围内的工作人员）")
def scan_list(request: HttpRequest, checkpoint_id: Id, query: Query[ScanPageQuery]):
    checkpoint = selectors.checkpoint_in_reach(user=request.auth, pk=checkpoint_id)
    page = keyset_page(selectors.scan_queryset(checkpoint=checkpoint), cursor=query.cursor,
                       limit=page_limit(query.limit))
    return {"items": [{"id": r.pk, "at": r.at, "direction": r.direction, "method": r.method,
                       "decision": "pass" if r.passed else "refuse", "reason": r.reason or "ok", "colour": r.colour,
                       "temperature": r.temperature / 10 if r.temperature is not None else None, "mask": r.mask,
                       "resident_id": r.resident_id, "offline": r.offline} for r in page.items],
            "next_cursor": page.next_cursor}


class CheckpointIn(Schema):
    grid_code: Annotated[str, Field(max_length=24)]
    name: Short
    compound: Short = ""
    level: Literal[tuple(ControlLevel.values)] = ControlLevel.OPEN  # type: ignore[valid-type]


@router.post("/gates/checkpoints", response={201: CheckpointOut, **WRITE_ERRORS}, summary="设立卡口")
def checkpoint_create(request: HttpRequest, payload: CheckpointIn):
    c = services.checkpoint_create(actor=Actor.for_api(request), **payload.dict())
    return Status(201, checkpoint_out(c))


class LevelIn(Schema):
    level: Literal[tuple(ControlLevel.values)]  # type: ignore[valid-type]
    outing_days: Annotated[int, Field(ge=1, le=30)] | None = None
    outing_people: Annotated[int, Field(ge=1, le=10)] | None = None


class LevelOut(Schema):
    gates: int


@router.post("/gates/checkpoints/{checkpoint_id}/level", response={200: LevelOut, **WRITE_ERRORS},
             summary="设置小区管控级别（该小区所有卡口）")
def checkpoint_level(request: HttpRequest, checkpoint_id: Id, payload: LevelIn):
    n = services.compound_level_set(actor=Actor.for_api(request), checkpoint_id=checkpoint_id, **payload.dict())
    return {"gates": n}


class DutyIn(Schema):
    username: Annotated[str, Field(max_length=150)]
    kind: Literal[tuple(GuardKind.values)]  # type: ignore[valid-type]
    starts_at: Timestamp
    ends_at: Timestamp


class DutyOut(Schema):
    id: int
    checkpoint_id: int
    username: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def duty_out(d) -> dict:
    return {"id": d.pk, "checkpoint_id": d.checkpoint_id, "username": d.user.username, "kind": d.kind,
            "starts_at": d.starts_at, "ends_at": d.ends_at}


@router.post("/gates/checkpoints/{checkpoint_id}/duties", response={201: DutyOut, **WRITE_ERRORS},
             summary="排班：安排值守人员")
def duty_add(request: HttpRequest, checkpoint_id: Id, payload: DutyIn):
    d = services.duty_add(actor=Actor.for_api(request), checkpoint_id=checkpoint_id, **payload.dict())
    return Status(201, duty_out(d))


class PassIn(Schema):
    resident_id: Id
    kind: Literal[tuple(GatePass.Kind.values)]  # type: ignore[valid-type]
    valid_until: Timestamp
    daily_quota: Annotated[int, Field(ge=1, le=50)] | None = None


class PassOut(Schema):
    id: int
    number: str
    kind: str
    valid_from: dt.datetime
    valid_until: dt.datetime
    daily_quota: int | None = None


@router.post("/gates/checkpoints/{checkpoint_id}/passes", response={201: PassOut, **WRITE_ERRORS},
             summary="签发出入证")
def pass_issue(request: HttpRequest, checkpoint_id: Id, payload: PassIn):
    p = services.pass_issue(actor=Actor.for_api(request), checkpoint_id=checkpoint_id, **payload.dict())
    return Status(201, {"id": p.pk, "number": p.number, "kind": p.kind, "valid_from": p.valid_from,
                        "valid_until": p.valid_until, "daily_quota": p.daily_quota})


class VisitorIn(Schema):
    checkpoint_id: Id
    name: Annotated[str, Field(max_length=50)]
    phone: Annotated[str, Field(max_length=20)]
    visiting: Short
    purpose: Annotated[str, Field(max_length=200)]
    temperature: Temperature
    mask: bool
    token: Text = ""


@router.post("/gates/visitors", response={200: DecisionOut, **WRITE_ERRORS}, summary="访客登记")
def visitor_register(request: HttpRequest, payload: VisitorIn):
    _visitor, result = services.visitor_register(actor=Actor.for_api(request), **payload.dict())
    return decision_out(result)
