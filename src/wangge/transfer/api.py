"""API of tiered transfer: facilities with occupancy, transfers and their steps, admissions pushed
by hospital systems.  Thin callers of ``transfer.selectors`` and ``transfer.services``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from wangge.audit.context import Actor
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.inputs import Id, PageSize, Timestamp
from wangge.core.lists import keyset_page
from wangge.transfer import selectors, services
from wangge.transfer.models import Facility

router = Router(tags=["转运"])


class FacilityOut(Schema):
    id: int
    name: str
    tier: int
    tier_name: str
    grid_code: str
    address: str
    phone: str
    capacity: int
    occupied: int  # open admissions
    incoming: int  # patients on transfers not yet handed over
    free: int


class PatientOut(Schema):
    resident_id: int
    name: str
    id_number_masked: str
    grid_code: str


class TransferOut(Schema):
    id: int
    status: str
    status_name: str
    late: bool
    grid_code: str
    origin: str
    destination_id: int
    destination_name: str
    vehicle: str
    driver: str
    escort: str
    escort_phone: str
    route_note: str
    planned_departure: dt.datetime
    planned_arrival: dt.datetime
    departed_at: dt.datetime | None = None
    arrived_at: dt.datetime | None = None
    handed_over_at: dt.datetime | None = None
    received_by: str


class TransferDetailOut(TransferOut):
    patients: list[PatientOut]


class TransferPage(Schema):
    items: list[TransferOut]
    next_cursor: str | None = None


class TransferIn(Schema):
    resident_ids: list[Id]
    origin: str
    destination_id: Id
    vehicle: str
    escort: str
    escort_phone: str = ""
    driver: str = ""
    route_note: str = ""
    planned_departure: Timestamp
    planned_arrival: Timestamp


class HandoverIn(Schema):
    received_by: str


class AdmissionIn(Schema):
    resident_id: Id
    facility_id: Id
    admitted_at: Timestamp


class AdmissionOut(Schema):
    id: int
    resident_id: int
    facility_id: int
    transfer_id: int | None = None
    grid_code: str
    admitted_at: dt.datetime
    discharged_at: dt.datetime | None = None


def facility_out(o: selectors.FacilityOccupancy) -> dict:
    f = o.facility
    return {"id": f.pk, "name": f.name, "tier": f.tier, "tier_name": str(f.get_tier_display()),
            "grid_code": f.grid_code, "address": f.address, "phone": f.phone, "capacity": o.capacity,
            "occupied": o.occupied, "incoming": o.incoming, "free": o.free}


def transfer_out(t) -> dict:
    return {
        "id": t.pk, "status": t.status, "status_name": str(t.get_status_display()), "late": selectors.is_late(t),
        "grid_code": t.grid_code, "origin": t.origin, "destination_id": t.destination_id,
        "destination_name": t.destination.name, "vehicle": t.vehicle, "driver": t.driver, "escort": t.escort,
        "escort_phone": t.escort_phone, "route_note": t.route_note, "planned_departure": t.planned_departure,
        "planned_arrival": t.planned_arrival, "departed_at": t.departed_at, "arrived_at": t.arrived_at,
        "handed_over_at": t.handed_over_at, "received_by": t.received_by,
    }


def transfer_detail_out(t) -> dict:
    out = transfer_out(t)
    out["patients"] = [
        {"resident_id": p.resident_id, "name": p.resident.name, "id_number_masked": p.resident.id_number_masked,
         "grid_code": p.grid_code}
        for p in selectors.transfer_patients(transfer=t)
    ]
    return out


def admission_out(a) -> dict:
    return {"id": a.pk, "resident_id": a.resident_id, "facility_id": a.facility_id, "transfer_id": a.transfer_id,
            "grid_code": a.grid_code, "admitted_at": a.admitted_at, "discharged_at": a.discharged_at}


@router.get("/facilities", response={200: list[FacilityOut], **READ_ERRORS}, summary="收治机构及床位占用")
def list_facilities(request: HttpRequest, tier: Literal[tuple(Facility.Tier.values)] | None = None):
    return [facility_out(o) for o in selectors.facility_occupancy(user=request.auth, tier=tier)]


class TransferQuery(selectors.TransferFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get("/transfers", response={200: TransferPage, **READ_ERRORS}, summary="转运单列表（游标分页）")
def list_transfers(request: HttpRequest, query: Query[TransferQuery]):
    qs = selectors.transfer_queryset(user=request.auth, filters=query)
    page = keyset_page(qs, cursor=query.cursor, limit=page_limit(query.limit))
    return {"items": [transfer_out(t) for t in page.items], "next_cursor": page.next_cursor}


@router.get("/transfers/{transfer_id}", response={200: TransferDetailOut, **READ_ERRORS},
            summary="转运单详情（含转运人员，记入审计日志）")
def get_transfer(request: HttpRequest, transfer_id: Id):
    return transfer_detail_out(selectors.transfer_detail(actor=Actor.for_api(request), pk=transfer_id))


@router.post("/transfers", response={201: TransferDetailOut, **WRITE_ERRORS}, summary="登记转运单")
def create_transfer(request: HttpRequest, payload: TransferIn):
    t = services.transfer_create(actor=Actor.for_api(request), **payload.dict())
    return Status(201, transfer_detail_out(selectors.transfer_in_reach(user=request.auth, pk=t.pk)))


def _after_step(request, transfer_id: int) -> dict:
    return transfer_detail_out(selectors.transfer_in_reach(user=request.auth, pk=transfer_id))


@router.post("/transfers/{transfer_id}/depart", response={200: TransferDetailOut, **WRITE_ERRORS},
             summary="确认出发")
def depart_transfer(request: HttpRequest, transfer_id: Id):
    services.transfer_depart(actor=Actor.for_api(request), transfer_id=transfer_id)
    return _after_step(request, transfer_id)


@router.post("/transfers/{transfer_id}/arrive", response={200: TransferDetailOut, **WRITE_ERRORS},
             summary="确认到达")
def arrive_transfer(request: HttpRequest, transfer_id: Id):
    services.transfer_arrive(actor=Actor.for_api(request), transfer_id=transfer_id)
    return _after_step(request, transfer_id)


@router.post("/transfers/{transfer_id}/handover", response={200: TransferDetailOut, **WRITE_ERRORS},
             summary="接收方确认交接（逐人登记收治）")
def handover_transfer(request: HttpRequest, transfer_id: Id, payload: HandoverIn):
    services.transfer_handover(actor=Actor.for_api(request), transfer_id=transfer_id,
                               received_by=payload.received_by)
    return _after_step(request, transfer_id)


@router.post("/admissions", response={201: AdmissionOut, **WRITE_ERRORS},
             summary="医院系统推送收治记录")
def create_admission(request: HttpRequest, payload: AdmissionIn):
    admission = services.admission_record(actor=Actor.for_api(request), **payload.dict())
    return Status(201, admission_out(admission))


@router.post("/admissions/{admission_id}/discharge", response={200: AdmissionOut, **WRITE_ERRORS},
             summary="出院/离开")
def discharge_admission(request: HttpRequest, admission_id: Id):
    return admission_out(services.discharge_record(actor=Actor.for_api(request), admission_id=admission_id))
