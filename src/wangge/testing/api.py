"""API of 全员核酸: rounds, devices' batches, labs' results, who is still untested.  Thin callers of
``selectors`` and ``services``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from wangge.audit.context import Actor
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.inputs import Id, PageSize, Timestamp
from wangge.core.lists import keyset_page
from wangge.testing import selectors, services

router = Router(tags=["核酸检测"])

Text = Annotated[str, Field(max_length=64)]


class RoundOut(Schema):
    id: int
    name: str
    area: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    repeat: str
    every_days: int
    control_level: str
    pool_size: int
    day: dt.date
    status: str


class RoundPage(Schema):
    items: list[RoundOut]
    next_cursor: str | None = None


class RoundPageQuery(Schema):
    cursor: str = ""
    limit: PageSize = None


def round_out(r) -> dict:
    return {"id": r.pk, "name": r.name, "area": r.grid_code, "starts_on": r.starts_on, "ends_on": r.ends_on,
            "repeat": r.repeat, "every_days": r.every_days, "control_level": r.control_level,
            "pool_size": selectors.pool_size(r), "day": selectors.round_day(r), "status": r.status}


@router.get("/testing/rounds", response={200: RoundPage, **READ_ERRORS}, summary="核酸检测轮次（游标分页）")
def list_rounds(request: HttpRequest, query: Query[RoundPageQuery]):
    page = keyset_page(selectors.round_queryset(user=request.auth), cursor=query.cursor, limit=page_limit(query.limit))
    return {"items": [round_out(r) for r in page.items], "next_cursor": page.next_cursor}


class PlanOut(Schema):
    population: int
    points_min: int
    points_max: int
    samplers: int
    points: int
    staffed_samplers: int
    hours: float
    pool_size: int


class RoundCoverageOut(Schema):
    day: dt.date
    population: int
    sampled: int
    away: int
    bedridden: int
    untested: int
    percent: float


class SavingOut(Schema):
    people: int
    tubes: int
    pooled_tubes: int
    positive_pools: int
    saved: int
    prevalence: float
    expected_tests: float


class RoundDetailOut(RoundOut):
    plan: PlanOut
    coverage: RoundCoverageOut
    saving: SavingOut


@router.get("/testing/rounds/{round_id}", response={200: RoundDetailOut, **READ_ERRORS},
            summary="核酸检测轮次：计划、覆盖、混采节省")
def get_round(request: HttpRequest, round_id: Id):
    user = request.auth
    rnd = selectors.round_in_reach(user=user, pk=round_id)
    cov = selectors.coverage(user=user, rnd=rnd)
    return {**round_out(rnd), "plan": vars(selectors.round_plan(user=user, rnd=rnd)),
            "coverage": {**{k: getattr(cov, k) for k in RoundCoverageOut.model_fields if k != "percent"},
                         "percent": cov.percent},
            "saving": vars(selectors.pooling_saving(user=user, rnd=rnd))}


class UntestedOut(Schema):
    resident_id: int
    name: str
    id_number: str  # masked
    grid_code: str
    building: str
    unit: str
    door_number: str
    bedridden: bool


class UntestedPage(Schema):
    day: dt.date
    items: list[UntestedOut]
    next_cursor: str | None = None


class UntestedQuery(selectors.UntestedFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get("/testing/rounds/{round_id}/untested", response={200: UntestedPage, **READ_ERRORS},
            summary="应检未检人员（按网格排序，证件号码脱敏，游标分页）")
def round_untested(request: HttpRequest, round_id: Id, query: Query[UntestedQuery]):
    user = request.auth
    rnd = selectors.round_in_reach(user=user, pk=round_id)
    day = selectors.round_day(rnd)
    qs = selectors.untested_queryset(user=user, rnd=rnd, day=day, filters=query)
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    exempt = selectors.exemptions_by_resident(rnd, [r.pk for r in page.items])
    return {"day": day, "next_cursor": page.next_cursor, "items": [
        {"resident_id": r.pk, "name": r.name, "id_number": r.id_number_masked, "grid_code": r.grid_code,
         "building": r.household.unit.building.name, "unit": r.household.unit.name,
         "door_number": r.household.door_number, "bedridden": getattr(exempt.get(r.pk), "kind", "") == "bedridden"}
        for r in page.items]}


class SampleIn(Schema):
    resident_id: Id | None = None
    id_number: Annotated[str, Field(max_length=18)] = ""
    code: Annotated[str, Field(max_length=2048)] = ""
    sampled_at: Timestamp | None = None


class TubeIn(Schema):
    barcode: Annotated[str, Field(max_length=40)]
    capacity: Literal[1, 5, 10, 20] | None = None
    opened_at: Timestamp | None = None
    closed_at: Timestamp | None = None
    samples: Annotated[list[SampleIn], Field(max_length=20)] = []


class TubeBatchIn(Schema):
    batch_id: Text
    point_id: Id
    tubes: Annotated[list[TubeIn], Field(max_length=services.MAX_BATCH_TUBES)]


class TubeBatchOut(Schema):
    batch_id: str
    created: bool
    tubes: int
    samples: int
    repeats: int
    problems: list[dict]


@router.post("/testing/batches", response={200: TubeBatchOut, 201: TubeBatchOut, **WRITE_ERRORS},
             summary="采样设备上传一批采样管（按批次号幂等）")
def post_batch(request: HttpRequest, payload: TubeBatchIn):
    result = services.batch_ingest(actor=Actor.for_api(request), batch_id=payload.batch_id,
                                   point_id=payload.point_id,
                                   tubes=[t.dict() for t in payload.tubes])
    return Status(201 if result.created else 200, vars(result))


class ResultIn(Schema):
    barcode: Annotated[str, Field(max_length=40)]
    result: Annotated[str, Field(max_length=20)]
    received_at: Timestamp | None = None
    resulted_at: Timestamp | None = None


class ResultsIn(Schema):
    lab: Annotated[str, Field(max_length=100)] = ""
    rows: Annotated[list[ResultIn], Field(max_length=services.MAX_RESULT_ROWS)]


class ResultsOut(Schema):
    recorded: int
    unchanged: int
    positive_pools: list[int]
    positive_singles: list[int]
    errors: list[dict]


@router.post("/testing/results", response={200: ResultsOut, **WRITE_ERRORS},
             summary="检测机构回传结果（每行一个采样管条码）")
def post_results(request: HttpRequest, payload: ResultsIn):
    rows = [{k: v for k, v in r.dict().items() if v is not None} for r in payload.rows]
    return vars(services.results_record(actor=Actor.for_api(request), lab=payload.lab, rows=rows))
