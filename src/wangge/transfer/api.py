"""API of tiered transfer: facilities with occupancy, transfers and their steps, admissions pushed
by hospital systems.  Thin callers of ``transfer.selectors`` and ``transfer.services``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from wangge.audit.context import Actor
from wangge.core.api import READ_ERRORS, WRITE_ERRORS, page_limit
from wangge.core.codes import GRID_CODE_LENGTH
from wangge.core.inputs import Id, PageSize, Timestamp
from wangge.core.lists import keyset_page
from wangge.transfer import selectors, services
from wangge.transfer.models import Facility, Vehicle

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


class VehicleOut(Schema):
    id: int
    plate: str
    kind: str
    kind_name: str
    seats: int
    grid_code: str
    phone: str
    is_active: bool


class VehicleIn(Schema):
    plate: str = Field(max_length=20)
    kind: Literal[tuple(Vehicle.Kind.values)]
    seats: int = Field(ge=0, le=1000)
    grid_code: str = Field(max_length=GRID_CODE_LENGTH)
    phone: str = Field("", max_length=30)


class EscortIn(Schema):
    name: str = Field(max_length=50)
    phone: str = Field("", max_length=30)


class ConvoyVehicleIn(Schema):
    vehicle_id: Id
    driver: str = Field("", max_length=50)
    driver_phone: str = Field("", max_length=30)
    escorts: list[EscortIn] = Field(default_factory=list, max_length=100)


class EscortOut(Schema):
    name: str
    phone: str


class ConvoyVehicleOut(Schema):
    vehicle_id: int
    plate: str
    kind: str
    seats: int
    driver: str
    driver_phone: str
    escorts: list[EscortOut]


class CheckInIn(Schema):
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    accuracy: float | None = Field(None, ge=0, le=100000)
    place_note: str = Field("", max_length=200)


class CheckInOut(Schema):
    id: int
    transfer_id: int
    at: dt.datetime
    lat: float | None = None
    lng: float | None = None
    accuracy: float | None = None
    place_note: str


class AcknowledgeIn(Schema):
    name: str = Field(max_length=50)


class ClosedRoadIn(Schema):
    name: str = Field(max_length=100)
    grid_code: str = Field(max_length=GRID_CODE_LENGTH)
    starts_at: Timestamp
    ends_at: Timestamp | None = None
    note: str = Field("", max_length=300)


class ClosedRoadOut(Schema):
    id: int
    name: str
    grid_code: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    is_active: bool
    note: str


class ClosedRoadPage(Schema):
    items: list[ClosedRoadOut]
    next_cursor: str | None = None


class VehiclePage(Schema):
    items: list[VehicleOut]
    next_cursor: str | None = None


class TransferOut(Schema):
    id: int
    status: str
    status_name: str
    late: bool
    grid_code: str
    origin: str
    destination_id: int
    destination_name: str
    vehicle: str  # the convoy's plates in one line; the convoy itself is in the detail
    route_note: str
    closed_roads_named: str
    closed_road_override: str
    acknowledged_at: dt.datetime | None = None
    acknowledged_name: str
    planned_departure: dt.datetime
    planned_arrival: dt.datetime
    departed_at: dt.datetime | None = None
    arrived_at: dt.datetime | None = None
    handed_over_at: dt.datetime | None = None
    received_by: str


class TransferDetailOut(TransferOut):
    patients: list[PatientOut]
    vehicles: list[ConvoyVehicleOut]
    check_ins: list[CheckInOut]


class TransferPage(Schema):
    items: list[TransferOut]
    next_cursor: str | None = None


class TransferIn(Schema):
    resident_ids: list[Id]
    origin: str
    destination_id: Id
    vehicles: list[ConvoyVehicleIn] = Field(max_length=200)
    route_note: str = ""
    closed_road_override: str = Field("", max_length=300)  # why the route passes a closed road, if it must
    planned_departure: Timestamp
    planned_arrival: Timestamp


class TransferChangeIn(Schema):
    origin: str
    vehicles: list[ConvoyVehicleIn] = Field(max_length=200)
    route_note: str = ""
    closed_road_override: str = Field("", max_length=300)
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


def vehicle_out(v) -> dict:
    return {"id": v.pk, "plate": v.plate, "kind": v.kind, "kind_name": str(v.get_kind_display()), "seats": v.seats,
            "grid_code": v.grid_code, "phone": v.phone, "is_active": v.is_active}


def closed_road_out(r) -> dict:
    return {"id": r.pk, "name": r.name, "grid_code": r.grid_code, "starts_at": r.starts_at, "ends_at": r.ends_at,
            "is_active": r.is_active, "note": r.note}


def check_in_out(c) -> dict:
    return {"id": c.pk, "transfer_id": c.transfer_id, "at": c.at, "lat": c.lat, "lng": c.lng,
            "accuracy": c.accuracy, "place_note": c.place_note}


def transfer_out(t) -> dict:
    return {
        "id": t.pk, "status": t.status, "status_name": str(t.get_status_display()), "late": selectors.is_late(t),
        "grid_code": t.grid_code, "origin": t.origin, "destination_id": t.destination_id,
        "destination_name": t.destination.name, "vehicle": t.vehicle, "route_note": t.route_note,
        "closed_roads_named": t.closed_roads_named, "closed_road_override": t.closed_road_override,
        "acknowledged_at": t.acknowledged_at, "acknowledged_name": t.acknowledged_name,
        "planned_departure": t.planned_departure,
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
    out["vehicles"] = [
        {"vehicle_id": cv.vehicle_id, "plate": cv.vehicle.plate, "kind": cv.vehicle.kind, "seats": cv.vehicle.seats,
         "driver": cv.driver, "driver_phone": cv.driver_phone,
         "escorts": [{"name": e.name, "phone": e.phone} for e in cv.crew]}
        for cv in selectors.transfer_convoy(transfer=t)
    ]
    out["check_ins"] = [check_in_out(c) for c in selectors.transfer_check_ins(transfer=t)]
    return out


def admission_out(a) -> dict:
    return {"id": a.pk, "resident_id": a.resident_id, "facility_id": a.facility_id, "transfer_id": a.transfer_id,
            "grid_code": a.grid_code, "admitted_at": a.admitted_at, "discharged_at": a.discharged_at}


@router.get("/facilities", response={200: list[FacilityOut], **READ_ERRORS}, summary="收治机构及床位占用")
def list_facilities(request: HttpRequest, tier: Literal[tuple(Facility.Tier.values)] | None = None):
    return [facility_out(o) for o in selectors.facility_occupancy(user=request.auth, tier=tier)]


class PageQuery(Schema):
    cursor: str = ""
    limit: PageSize = None


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


@router.post("/transfers/{transfer_id}/change", response={200: TransferDetailOut, **WRITE_ERRORS},
             summary="修改待出发转运单的车队、路线和时间（需接收方重新确认）")
def change_transfer(request: HttpRequest, transfer_id: Id, payload: TransferChangeIn):
    services.transfer_update(actor=Actor.for_api(request), transfer_id=transfer_id, **payload.dict())
    return _after_step(request, transfer_id)


@router.post("/transfers/{transfer_id}/acknowledge", response={200: TransferDetailOut, **WRITE_ERRORS},
             summary="接收方确认接收（出发前必须）")
def acknowledge_transfer(request: HttpRequest, transfer_id: Id, payload: AcknowledgeIn):
    services.transfer_acknowledge(actor=Actor.for_api(request), transfer_id=transfer_id, name=payload.name)
    return _after_step(request, transfer_id)


@router.post("/transfers/{transfer_id}/check-ins", response={201: CheckInOut, **WRITE_ERRORS},
             summary="随车人员报告途中位置（定位，或无法定位时的位置说明）")
def check_in_transfer(request: HttpRequest, transfer_id: Id, payload: CheckInIn):
    check_in = services.transfer_check_in(actor=Actor.for_api(request), transfer_id=transfer_id, **payload.dict())
    return Status(201, check_in_out(check_in))


@router.get("/vehicles", response={200: VehiclePage, **READ_ERRORS}, summary="转运车辆（含上级区划的车辆）")
def list_vehicles(request: HttpRequest, query: Query[PageQuery]):
    page = keyset_page(selectors.vehicles_available(user=request.auth), cursor=query.cursor,
                       limit=page_limit(query.limit))
    return {"items": [vehicle_out(v) for v in page.items], "next_cursor": page.next_cursor}


@router.post("/vehicles", response={201: VehicleOut, **WRITE_ERRORS}, summary="登记转运车辆")
def create_vehicle(request: HttpRequest, payload: VehicleIn):
    return Status(201, vehicle_out(services.vehicle_create(actor=Actor.for_api(request), **payload.dict())))


@router.get("/closed-roads", response={200: ClosedRoadPage, **READ_ERRORS}, summary="封闭路段（含上级区划的路段）")
def list_closed_roads(request: HttpRequest, query: Query[PageQuery]):
    page = keyset_page(selectors.closed_roads_visible(user=request.auth), cursor=query.cursor,
                       limit=page_limit(query.limit))
    return {"items": [closed_road_out(r) for r in page.items], "next_cursor": page.next_cursor}


@router.post("/closed-roads", response={201: ClosedRoadOut, **WRITE_ERRORS}, summary="登记封闭路段")
def create_closed_road(request: HttpRequest, payload: ClosedRoadIn):
    return Status(201, closed_road_out(services.closed_road_create(actor=Actor.for_api(request), **payload.dict())))


@router.post("/closed-roads/{road_id}/reopen", response={200: ClosedRoadOut, **WRITE_ERRORS}, summary="解除封闭")
def reopen_closed_road(request: HttpRequest, road_id: Id):
    return closed_road_out(services.closed_road_reopen(actor=Actor.for_api(request), road_id=road_id))


@router.post("/admissions", response={201: AdmissionOut, **WRITE_ERRORS},
             summary="医院系统推送收治记录")
def create_admission(request: HttpRequest, payload: AdmissionIn):
    admission = services.admission_record(actor=Actor.for_api(request), **payload.dict())
    return Status(201, admission_out(admission))


@router.post("/admissions/{admission_id}/discharge", response={200: AdmissionOut, **WRITE_ERRORS},
             summary="出院/离开")
def discharge_admission(request: HttpRequest, admission_id: Id):
    return admission_out(services.discharge_record(actor=Actor.for_api(request), admission_id=admission_id))
