"""API of trajectory investigations: list, detail (audited), trajectory entries, and contacts added
in one all-or-nothing call (a CDC system can push its findings).  Thin over ``tracing`` services."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from wangge.audit.context import Actor
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, ErrorOut, page_limit
from wangge.core.inputs import Day, Id, PageSize, Timestamp
from wangge.core.lists import keyset_page
from wangge.tracing import selectors, services
from wangge.tracing.models import Investigation

router = Router(tags=["流调"])


class InvestigationOut(Schema):
    id: int
    case_id: int
    case_name: str
    grid_code: str
    status: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None


class InvestigationPage(Schema):
    items: list[InvestigationOut]
    next_cursor: str | None = None


class TrajectoryOut(Schema):
    id: int
    place: str
    address: str
    lat: float | None = None
    lng: float | None = None
    start: dt.datetime
    end: dt.datetime | None = None
    note: str


class ContactOut(Schema):
    id: int
    resident_id: int
    name: str
    id_number_masked: str
    kind: str
    status: str  # the person's epidemic status now
    quarantine_order_id: int | None = None
    quarantine_status: str | None = None
    tests_done: int
    tests_due: int
    tests_total: int


class InvestigationDetailOut(InvestigationOut):
    summary: str
    trajectory: list[TrajectoryOut]
    contacts: list[ContactOut]


class TrajectoryIn(Schema):
    place: str
    start: Timestamp
    end: Timestamp | None = None
    address: str = ""
    note: str = ""
    lat: float | None = None
    lng: float | None = None


class ContactIn(Schema):
    resident_id: Id | None = None  # a registered resident, or a new person below
    name: str = ""
    id_type: str = ""
    id_number: str = ""  # an ID number already registered is matched to that resident
    phone: str = ""
    household_id: Id | None = None
    kind: Literal["close", "secondary"] = "close"
    last_exposure: Timestamp | None = None
    place: str = ""


class ContactsIn(Schema):
    contacts: list[ContactIn]
    regime_code: str  # 14, 14+7, 7+3, 5+3
    place: Literal["home", "central"] = "home"
    site_id: Id | None = None
    start_date: Day | None = None


class ContactAddedOut(Schema):
    id: int
    resident_id: int
    name: str
    kind: str
    matched_by_id_number: bool
    already_quarantined: bool
    quarantine_order_id: int
    room_number: str | None = None


def investigation_out(inv: Investigation) -> dict:
    return {"id": inv.pk, "case_id": inv.case_id, "case_name": inv.case.name, "grid_code": inv.grid_code,
            "status": inv.status, "opened_at": inv.opened_at, "closed_at": inv.closed_at}


def trajectory_out(e) -> dict:
    return {"id": e.pk, "place": e.place, "address": e.address, "lat": e.lat, "lng": e.lng, "start": e.start,
            "end": e.end, "note": e.note}


class InvestigationQuery(selectors.InvestigationFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get("/tracing/investigations", response={200: InvestigationPage, **READ_ERRORS}, summary="流调列表")
def list_investigations(request: HttpRequest, query: Query[InvestigationQuery]):
    qs = selectors.investigations_matching(user=request.auth, filters=query)
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    return {"items": [investigation_out(i) for i in page.items], "next_cursor": page.next_cursor}


@router.get("/tracing/investigations/{investigation_id}", response={200: InvestigationDetailOut, **READ_ERRORS},
            summary="流调详情：轨迹与接触者（记入审计日志）")
def get_investigation(request: HttpRequest, investigation_id: Id):
    inv = selectors.investigation_detail(actor=Actor.for_api(request), pk=investigation_id)
    out = investigation_out(inv)
    out["summary"] = inv.summary
    out["trajectory"] = [trajectory_out(e) for e in selectors.trajectory(inv)]
    out["contacts"] = [
        {"id": r.contact.pk, "resident_id": r.contact.resident_id, "name": r.contact.resident.name,
         "id_number_masked": r.contact.resident.id_number_masked, "kind": r.contact.kind, "status": r.status,
         "quarantine_order_id": r.order.pk if r.order else None,
         "quarantine_status": r.order.status if r.order else None,
         "tests_done": r.tests_done, "tests_due": r.tests_due, "tests_total": r.tests_total}
        for r in selectors.contact_rows(user=request.auth, investigation=inv)
    ]
    return out


@router.post("/tracing/investigations/{investigation_id}/trajectory", response={201: TrajectoryOut, **WRITE_ERRORS},
             summary="添加轨迹")
def add_trajectory(request: HttpRequest, investigation_id: Id, payload: TrajectoryIn):
    entry = services.trajectory_add(actor=Actor.for_api(request), investigation_id=investigation_id,
                                    **payload.dict())
    return Status(201, trajectory_out(entry))


@router.post("/tracing/investigations/{investigation_id}/contacts", response={201: list[ContactAddedOut],
                                                                            **WRITE_ERRORS},
             summary="登记接触者并下达隔离令（一次调用全部成功或全部不写入）")
def add_contacts(request: HttpRequest, investigation_id: Id, payload: ContactsIn):
    added = services.contacts_add(
        actor=Actor.for_api(request), investigation_id=investigation_id,
        contacts=[c.dict(exclude_none=True) for c in payload.contacts], regime_code=payload.regime_code,
        place=payload.place, site_id=payload.site_id, start_date=payload.start_date,
    )
    return Status(201, [
        {"id": c.pk, "resident_id": c.resident_id, "name": c.resident.name, "kind": c.kind,
         "matched_by_id_number": c.matched_by_id_number, "already_quarantined": c.already_quarantined,
         "quarantine_order_id": c.order.pk, "room_number": c.order.room.number if c.order.room_id else None}
        for c in added
    ])


class ExposureReasonOut(Schema):
    reason: str  # household, unit, building, checkpoint, sampling_queue, tube_pool, ...
    label: str
    at: dt.datetime | None = None
    where: str = ""


class ExposedOut(Schema):
    resident_id: int
    name: str
    id_number_masked: str
    status: str
    suggested_kind: Literal["close", "secondary"]
    reasons: list[ExposureReasonOut]


class ExposuresOut(Schema):
    resident_id: int
    since: dt.datetime
    until: dt.datetime
    items: list[ExposedOut]


class ExposureQuery(Schema):
    days: int = Field(14, ge=1, le=selectors.EXPOSURE_DAYS_MAX)


@router.get(
    "/tracing/exposures/{resident_id}",
    response={200: ExposuresOut, **READ_ERRORS, 403: ErrorOut},
    summary="可能暴露人员及原因（记入审计日志）",
)
def get_exposures(request: HttpRequest, resident_id: Id, query: Query[ExposureQuery]):
    report = selectors.exposures_of(actor=Actor.for_api(request), resident_id=resident_id, days=query.days)
    return {
        "resident_id": report.subject.pk,
        "since": report.since,
        "until": report.until,
        "items": [
            {
                "resident_id": p.resident.pk,
                "name": p.resident.name,
                "id_number_masked": p.resident.id_number_masked,
                "status": p.status,
                "suggested_kind": p.suggested,
                "reasons": [{"reason": e.reason, "label": e.label, "at": e.at, "where": e.where} for e in p.reasons],
            }
            for p in report.people
        ],
    }
