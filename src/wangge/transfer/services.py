"""Tiered transfer (转运): facilities, transfer orders and their steps, admissions.

A transfer's life is an explicit state machine (``TRANSITIONS``): planned → en_route → arrived →
handed_over, or planned → cancelled.  Each step is one service that checks the step is allowed
from the current status, records when and by whom, and resolves the alerts the step makes moot.

Who may take each step is the action ``transfer.step.<status>`` in ``accounts.permissions``:
command, CDC and community workers send transfers.  The handover is the receiving side's
confirmation; there is no facility account role yet, so CDC and command confirm it on the
receiving facility's behalf (a hospital's system can also push admissions directly through
``admission_record``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import can, require
from wangge.alerts.models import Alert
from wangge.alerts.services import alert_resolve
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import LEVEL_BY_LENGTH
from wangge.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from wangge.core.scoping import user_can_reach
from wangge.grid.selectors import area_in_reach
from wangge.health import services as health
from wangge.people.selectors import resident_in_reach
from wangge.transfer import selectors
from wangge.transfer.models import (
    Admission,
    CheckIn,
    ClosedRoad,
    Facility,
    TransferEscort,
    TransferOrder,
    TransferPatient,
    TransferVehicle,
    Vehicle,
)

S = TransferOrder.Status

# The state machine, as data: the steps allowed from each status.
TRANSITIONS: dict[str, set[str]] = {
    S.PLANNED: {S.EN_ROUTE, S.CANCELLED},
    S.EN_ROUTE: {S.ARRIVED},
    S.ARRIVED: {S.HANDED_OVER},
    S.HANDED_OVER: set(),
    S.CANCELLED: set(),
}


# Tiers whose admission closes 应收尽收 (treated); a 隔离点 only isolates.
ADMITTING_TIERS = {Facility.Tier.FANGCANG, Facility.Tier.GENERAL_HOSPITAL, Facility.Tier.DESIGNATED_HOSPITAL}


def step_action(to_status: str) -> str:
    """The action of moving a transfer to ``to_status`` ("planned" is registering one)."""
    return f"transfer.step.{to_status}"


def scope_code_for(grid_codes: list[str]) -> str:
    """The finest grid-level prefix shared by all ``grid_codes`` (a grid, community, street...)."""
    if not grid_codes:
        return ""
    first, last = min(grid_codes), max(grid_codes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    lengths = [length for length in sorted(LEVEL_BY_LENGTH, reverse=True) if length <= n]
    return first[: lengths[0]] if lengths else ""


# --- Facilities ------------------------------------------------------------------------------


@transaction.atomic
def facility_create(
    *,
    actor: Actor,
    name: str,
    tier: int,
    grid_code: str,
    capacity: int,
    address: str = "",
    phone: str = "",
    lat: float | None = None,
    lng: float | None = None,
    quarantine_site=None,
) -> Facility:
    """A facility run by a division in the actor's reach (``grid_code`` is that division's prefix)."""
    user = actor.user
    require(user, "transfer.facility.create")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写机构名称"), code="name_required", errors={"name": _("必填")})
    if tier not in Facility.Tier.values:
        raise ValidationFailed(_("机构层级无效"), code="invalid_facility_level", errors={"tier": _("取值无效")})
    if capacity is None or capacity < 0:
        raise ValidationFailed(_("床位数不能为负数"), code="negative_beds", errors={"capacity": _("取值无效")})
    # Here a division outside the reach is a refusal of the form's field, as a malformed one is.
    refused = ValidationFailed(
        _("所属区划不在您的管辖范围内"),
        code="invalid_division_code",
        errors={"grid_code": _("超出管辖范围")},
    )
    try:
        grid_code = area_in_reach(user=user, code=grid_code, navigable=False, invalid=refused).prefix
    except NotFound:
        raise refused from None
    facility = Facility.objects.create(
        name=name[:100], tier=tier, grid_code=grid_code, capacity=capacity, address=address[:200],
        phone=phone[:30], lat=lat, lng=lng, quarantine_site=quarantine_site,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=facility,
                 changes={"tier": [None, tier], "capacity": [None, capacity]})
    return facility


# --- Transfers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvoyLine:
    """One vehicle of a convoy as checked: the vehicle record, its driver and its escorts."""

    vehicle: Vehicle
    driver: str
    driver_phone: str
    escorts: list[tuple[str, str]]  # (name, phone)


def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _convoy(*, user, vehicles, transfer_id: int | None = None) -> list[ConvoyLine]:
    """The convoy as typed (dicts of vehicle_id, driver, driver_phone, escorts [{name, phone}]),
    checked: each vehicle available to the user, active, once, and not on another transfer."""
    lines = []
    seen = set()
    busy = selectors.busy_vehicle_ids(exclude_transfer_id=transfer_id)
    for item in vehicles or []:
        item = dict(item)
        vehicle = selectors.vehicle_in_reach(user=user, pk=item.get("vehicle_id"))
        if vehicle.pk in seen:
            raise ValidationFailed(
                _("车辆 %(plate)s 重复") % {"plate": vehicle.plate},
                code="vehicle_repeated", errors={"vehicles": _("车辆重复")},
            )
        seen.add(vehicle.pk)
        if not vehicle.is_active:
            raise Conflict(_("车辆 %(plate)s 已停用") % {"plate": vehicle.plate}, code="vehicle_inactive",
                           errors={"vehicles": _("车辆已停用")})
        if vehicle.pk in busy:
            raise Conflict(
                _("车辆 %(plate)s 正在执行另一趟转运，请选择其他车辆") % {"plate": vehicle.plate},
                code="vehicle_busy", errors={"vehicles": _("车辆正在执行其他转运")},
            )
        escorts = []
        for escort in item.get("escorts") or []:
            escort = dict(escort)
            name, phone = _text(escort.get("name"), 50), _text(escort.get("phone"), 30)
            if not name and not phone:
                continue
            if not name:
                raise ValidationFailed(_("请填写随车人员姓名"), code="escort_name_required",
                                       errors={"escorts": _("必填")})
            escorts.append((name, phone))
        lines.append(ConvoyLine(vehicle, _text(item.get("driver"), 50), _text(item.get("driver_phone"), 30),
                                escorts))
    if not lines:
        raise ValidationFailed(_("请至少选择一辆车"), code="vehicles_required", errors={"vehicles": _("必填")})
    return lines


def _check_capacity(lines: list[ConvoyLine], patients: int) -> None:
    """Enough seats for every patient, and enough escorts for them (seed 000: 494 patients, one bus,
    two staff)."""
    seats = sum(line.vehicle.seats for line in lines)
    if seats < patients:
        raise ValidationFailed(
            _("车队共 %(seats)s 个座位，不足以转运 %(count)s 人，请增加车辆") % {"seats": seats, "count": patients},
            code="not_enough_seats", errors={"vehicles": _("座位不足")},
        )
    have, per = sum(len(line.escorts) for line in lines), selectors.patients_per_escort()
    needed = selectors.escorts_needed(patients)
    if have < needed:
        raise ValidationFailed(
            _("转运 %(count)s 人至少需要 %(needed)s 名随车人员（每人最多照看 %(per)s 人），现有 %(have)s 名") % {
                "count": patients, "needed": needed, "per": per, "have": have},
            code="not_enough_escorts", errors={"escorts": _("随车人员不足")},
        )


def _check_route(*, route_note: str, override: str, area_codes, departure, arrival) -> tuple[str, str]:
    """The active closed roads the route names: refused, unless the dispatcher gives a reason to
    pass (a police escort through the closure); then the roads and the reason are kept on the order."""
    roads = selectors.closed_roads_on_route(route_note=route_note, area_codes=area_codes, departure=departure,
                                            arrival=arrival)
    if not roads:
        return "", ""
    names = "、".join(dict.fromkeys(r.name for r in roads))
    if not override:
        raise Conflict(
            _("计划路线经过封闭路段：%(roads)s。请改道；确需通行请填写通行理由") % {"roads": names},
            code="route_through_closed_road", errors={"route_note": _("经过封闭路段：%(roads)s") % {"roads": names}},
        )
    return names[:300], override[:300]


def _times(planned_departure, planned_arrival) -> None:
    if not planned_departure or not planned_arrival:
        raise ValidationFailed(
            _("请填写计划出发和到达时间"),
            code="times_required",
            errors={"planned_arrival": _("必填")},
        )
    if planned_arrival <= planned_departure:
        raise ValidationFailed(
            _("计划到达时间必须晚于计划出发时间"),
            code="arrival_before_departure",
            errors={"planned_arrival": _("应晚于出发时间")},
        )


def _save_convoy(transfer: TransferOrder, lines: list[ConvoyLine]) -> None:
    transfer.vehicles.all().delete()
    for position, line in enumerate(lines, start=1):
        cv = TransferVehicle.objects.create(transfer=transfer, vehicle=line.vehicle, position=position,
                                            driver=line.driver, driver_phone=line.driver_phone)
        TransferEscort.objects.bulk_create(
            [TransferEscort(convoy_vehicle=cv, name=name, phone=phone) for name, phone in line.escorts])


def convoy_label(lines: list[ConvoyLine]) -> str:
    return "、".join(line.vehicle.plate for line in lines)[:200]


def _convoy_audit(lines: list[ConvoyLine]) -> list:
    return [[line.vehicle.pk, line.driver, [name for name, _phone in line.escorts]] for line in lines]


@transaction.atomic
def transfer_create(
    *,
    actor: Actor,
    resident_ids: list[int],
    origin: str,
    destination_id: int,
    vehicles: list[dict],
    route_note: str = "",
    closed_road_override: str = "",
    planned_departure: dt.datetime,
    planned_arrival: dt.datetime,
) -> TransferOrder:
    """A planned transfer of residents in reach to a facility with room for all of them, on a
    convoy with a seat and enough escorts for each, on a route clear of closed roads."""
    user = actor.user
    require(user, step_action(S.PLANNED))
    ids = list(dict.fromkeys(int(i) for i in resident_ids or []))
    if not ids:
        raise ValidationFailed(
            _("请至少选择一名转运人员"),
            code="patients_required",
            errors={"resident_ids": _("必填")},
        )
    if not (origin or "").strip():
        raise ValidationFailed(_("请填写出发地"), code="fields_required", errors={"origin": _("请填写出发地")})
    _times(planned_departure, planned_arrival)
    residents = [resident_in_reach(user=user, pk=pk) for pk in ids]
    busy = (
        TransferPatient.objects.filter(resident_id__in=ids, transfer__status__in=selectors.ACTIVE_STATUSES)
        .select_related("resident").first()
    )
    if busy is not None:
        raise Conflict(
            _("%(name)s 已在转运单 %(transfer_id)s 中，请勿重复安排") % {
                "name": busy.resident.name,
                "transfer_id": busy.transfer_id,
            },
            code="already_in_transfer",
        )
    lines = _convoy(user=user, vehicles=vehicles)
    _check_capacity(lines, len(residents))
    # Lock the destination row: two dispatchers filling the last beds queue here.
    destination = selectors.facility_in_reach(user=user, pk=destination_id)
    destination = Facility.objects.select_for_update().get(pk=destination.pk)
    if not destination.is_active:
        raise Conflict(
            _("%(facility)s 已停用，不能作为目的地") % {"facility": destination.name},
            code="facility_inactive",
        )
    free = selectors.free_beds(destination)
    if free < len(residents):
        raise Conflict(
            _("%(facility)s 剩余床位 %(free)s 张，不足以接收 %(count)s 人，请选择其他机构") % {
                "facility": destination.name,
                "free": free,
                "count": len(residents),
            }, code="not_enough_beds",
            errors={"destination_id": _("床位不足")},
        )
    scope = scope_code_for([r.grid_code for r in residents])
    route_note = _text(route_note, 500)
    roads, override = _check_route(route_note=route_note, override=_text(closed_road_override, 300),
                                   area_codes=[scope, destination.grid_code], departure=planned_departure,
                                   arrival=planned_arrival)
    transfer = TransferOrder.objects.create(
        grid_code=scope, origin=origin.strip()[:200], destination=destination, vehicle=convoy_label(lines),
        route_note=route_note, closed_roads_named=roads, closed_road_override=override,
        planned_departure=planned_departure, planned_arrival=planned_arrival,
        created_by=user if user.is_authenticated else None,
    )
    _save_convoy(transfer, lines)
    TransferPatient.objects.bulk_create(
        [TransferPatient(transfer=transfer, resident=r, grid_code=r.grid_code) for r in residents]
    )
    changes = {"residents": [None, ids], "destination": [None, destination.pk], "status": [None, S.PLANNED],
               "vehicles": [None, _convoy_audit(lines)]}
    if roads:
        changes["closed_roads"] = [None, roads]
    audit.record(actor=actor, action=AuditAction.CREATE, obj=transfer, changes=changes, note=override)
    return transfer


@transaction.atomic
def transfer_update(
    *,
    actor: Actor,
    transfer_id: int,
    origin: str,
    vehicles: list[dict],
    route_note: str = "",
    closed_road_override: str = "",
    planned_departure: dt.datetime,
    planned_arrival: dt.datetime,
) -> TransferOrder:
    """Change a planned transfer's convoy, route or times (its patients and destination stay).  The
    same rules as registering it; a change undoes the receiving side's acknowledgement, which was
    given for the plan as it was."""
    user = actor.user
    transfer = selectors.transfer_in_reach(user=user, pk=transfer_id)
    require(user, step_action(S.PLANNED), transfer)
    transfer = TransferOrder.objects.select_for_update().select_related("destination").get(pk=transfer.pk)
    if transfer.status != S.PLANNED:
        raise Conflict(_("只能修改待出发的转运单"), code="not_planned")
    if not (origin or "").strip():
        raise ValidationFailed(_("请填写出发地"), code="fields_required", errors={"origin": _("请填写出发地")})
    _times(planned_departure, planned_arrival)
    lines = _convoy(user=user, vehicles=vehicles, transfer_id=transfer.pk)
    _check_capacity(lines, transfer.patients.count())
    route_note = _text(route_note, 500)
    roads, override = _check_route(route_note=route_note, override=_text(closed_road_override, 300),
                                   area_codes=[transfer.grid_code, transfer.destination.grid_code],
                                   departure=planned_departure, arrival=planned_arrival)
    before = {"origin": transfer.origin, "route_note": transfer.route_note, "vehicle": transfer.vehicle,
              "planned_departure": audit.plain(transfer.planned_departure),
              "planned_arrival": audit.plain(transfer.planned_arrival),
              "acknowledged_at": audit.plain(transfer.acknowledged_at)}
    transfer.origin, transfer.route_note, transfer.vehicle = origin.strip()[:200], route_note, convoy_label(lines)
    transfer.closed_roads_named, transfer.closed_road_override = roads, override
    transfer.planned_departure, transfer.planned_arrival = planned_departure, planned_arrival
    transfer.acknowledged_at, transfer.acknowledged_name, transfer.acknowledged_by = None, "", None
    transfer.save()
    _save_convoy(transfer, lines)
    after = {"origin": transfer.origin, "route_note": transfer.route_note, "vehicle": transfer.vehicle,
             "planned_departure": audit.plain(transfer.planned_departure),
             "planned_arrival": audit.plain(transfer.planned_arrival), "acknowledged_at": None}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    changes["vehicles"] = [None, _convoy_audit(lines)]
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=transfer, changes=changes, note=override)
    return transfer


def may_acknowledge(user, transfer: TransferOrder) -> bool:
    """Whether ``user`` may acknowledge for ``transfer``'s destination (the page's button)."""
    return can(user, "transfer.acknowledge") and (
        user_can_reach(user, transfer.destination.grid_code) or can(user, "transfer.acknowledge.any"))


@transaction.atomic
def transfer_acknowledge(*, actor: Actor, transfer_id: int, name: str) -> TransferOrder:
    """The receiving facility confirms it expects the patients (beds, staff at the door).  By a user
    whose reach covers the facility, or one whose role acknowledges on a facility's behalf (there
    are no facility accounts yet: command and CDC take the facility's word by phone); ``name`` is
    the person at the facility who confirmed."""
    user = actor.user
    transfer = selectors.transfer_in_reach(user=user, pk=transfer_id)
    require(user, "transfer.acknowledge")
    transfer = TransferOrder.objects.select_for_update().select_related("destination").get(pk=transfer.pk)
    if not may_acknowledge(user, transfer):
        raise Forbidden(_("只有接收机构所在辖区的人员才能确认接收"), code="forbidden")
    name = _text(name, 50)
    if not name:
        raise ValidationFailed(_("请填写接收方确认人"), code="acknowledger_required",
                               errors={"name": _("必填")})
    if transfer.status != S.PLANNED:
        raise Conflict(_("只有待出发的转运单需要接收方确认"), code="not_planned")
    if transfer.acknowledged_at is not None:
        raise Conflict(_("接收方已确认该转运单"), code="already_acknowledged")
    transfer.acknowledged_at, transfer.acknowledged_name = timezone.now(), name
    transfer.acknowledged_by = user if user.is_authenticated else None
    transfer.save(update_fields=["acknowledged_at", "acknowledged_name", "acknowledged_by"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=transfer,
                 changes={"acknowledged_at": [None, audit.plain(transfer.acknowledged_at)],
                          "acknowledged_name": [None, name]})
    return transfer


@transaction.atomic
def transfer_check_in(
    *,
    actor: Actor,
    transfer_id: int,
    lat: float | None = None,
    lng: float | None = None,
    accuracy: float | None = None,
    place_note: str = "",
) -> CheckIn:
    """The crew reports where the convoy is: a phone's position, or a place typed when the phone
    will not tell.  Only en route; the time is the server's.  It ends the silence alert."""
    user = actor.user
    transfer = selectors.transfer_in_reach(user=user, pk=transfer_id)
    require(user, "transfer.check_in")
    transfer = TransferOrder.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != S.EN_ROUTE:
        raise Conflict(_("只有转运中的转运单可以报告位置"), code="not_en_route")
    place_note = _text(place_note, 200)
    if (lat is None) != (lng is None):
        raise ValidationFailed(_("经纬度须同时填写"), code="position_incomplete",
                               errors={"lat": _("须与经度同时填写"), "lng": _("须与纬度同时填写")})
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationFailed(_("经纬度超出范围"), code="position_out_of_range",
                               errors={"lat": _("取值无效"), "lng": _("取值无效")})
    if lat is None and not place_note:
        raise ValidationFailed(_("无法获取定位时，请填写当前位置"), code="position_required",
                               errors={"place_note": _("必填")})
    if accuracy is not None and accuracy < 0:
        accuracy = None
    check_in = CheckIn.objects.create(
        transfer=transfer, at=timezone.now(), lat=lat, lng=lng, accuracy=accuracy, place_note=place_note,
        recorded_by=user if user.is_authenticated else None,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=check_in,
                 changes={"transfer": [None, transfer.pk], "lat": [None, lat], "lng": [None, lng],
                          "place_note": [None, place_note]})
    _resolve_silence(transfer.pk)
    return check_in


def _resolve_silence(transfer_id: int) -> None:
    for key in Alert.objects.filter(dedupe_key__startswith=selectors.silent_alert_prefix(transfer_id),
                                    resolved_at__isnull=True).values_list("dedupe_key", flat=True):
        alert_resolve(dedupe_key=key)


# --- Vehicles and closed roads ------------------------------------------------------------------


def _division_in_reach(*, user, grid_code: str) -> str:
    refused = ValidationFailed(
        _("所属区划不在您的管辖范围内"),
        code="invalid_division_code",
        errors={"grid_code": _("超出管辖范围")},
    )
    try:
        return area_in_reach(user=user, code=grid_code, navigable=False, invalid=refused).prefix
    except NotFound:
        raise refused from None


@transaction.atomic
def vehicle_create(*, actor: Actor, plate: str, kind: str, seats: int, grid_code: str, phone: str = "") -> Vehicle:
    """A vehicle run by a division in the actor's reach; a plate is registered once per division."""
    user = actor.user
    require(user, "transfer.vehicle.manage")
    plate = _text(plate, 20).upper()
    if not plate:
        raise ValidationFailed(_("请填写车牌号"), code="plate_required", errors={"plate": _("必填")})
    if kind not in Vehicle.Kind.values:
        raise ValidationFailed(_("车型无效"), code="invalid_vehicle_kind", errors={"kind": _("取值无效")})
    if seats is None or seats < 0 or seats > 1000:
        raise ValidationFailed(_("可载患者数应在 0 到 1000 之间"), code="seats_out_of_range",
                               errors={"seats": _("取值无效")})
    grid_code = _division_in_reach(user=user, grid_code=grid_code)
    if Vehicle.objects.filter(grid_code=grid_code, plate=plate).exists():
        raise Conflict(_("车牌号 %(plate)s 已登记") % {"plate": plate}, code="plate_taken",
                       errors={"plate": _("已登记")})
    vehicle = Vehicle.objects.create(plate=plate, kind=kind, seats=seats, grid_code=grid_code,
                                     phone=_text(phone, 30))
    audit.record(actor=actor, action=AuditAction.CREATE, obj=vehicle,
                 changes={"plate": [None, plate], "kind": [None, kind], "seats": [None, seats]})
    return vehicle


@transaction.atomic
def closed_road_create(*, actor: Actor, name: str, grid_code: str, starts_at: dt.datetime,
                       ends_at: dt.datetime | None = None, note: str = "") -> ClosedRoad:
    """A road closed in an area of the actor's reach from ``starts_at`` (until ``ends_at``, or until
    someone reopens it)."""
    user = actor.user
    require(user, "transfer.closed_road.manage")
    name = _text(name, 100)
    if not name:
        raise ValidationFailed(_("请填写路段名称"), code="name_required", errors={"name": _("必填")})
    if starts_at is None:
        raise ValidationFailed(_("请填写封闭开始时间"), code="times_required", errors={"starts_at": _("必填")})
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationFailed(_("封闭结束时间必须晚于开始时间"), code="end_before_start",
                               errors={"ends_at": _("应晚于开始时间")})
    grid_code = _division_in_reach(user=user, grid_code=grid_code)
    road = ClosedRoad.objects.create(name=name, grid_code=grid_code, starts_at=starts_at, ends_at=ends_at,
                                     note=_text(note, 300), created_by=user if user.is_authenticated else None)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=road,
                 changes={"name": [None, name], "grid_code": [None, grid_code],
                          "starts_at": [None, audit.plain(starts_at)], "ends_at": [None, audit.plain(ends_at)]})
    return road


@transaction.atomic
def closed_road_reopen(*, actor: Actor, road_id: int) -> ClosedRoad:
    """The road is open again: it no longer stops a route."""
    user = actor.user
    road = selectors.closed_road_in_reach(user=user, pk=road_id)
    require(user, "transfer.closed_road.manage", road)
    road = ClosedRoad.objects.select_for_update().get(pk=road.pk)
    if not road.is_active:
        raise Conflict(_("该路段已解除封闭"), code="already_reopened")
    road.is_active = False
    road.save(update_fields=["is_active"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=road, changes={"is_active": [True, False]})
    return road


def _step(*, actor: Actor, transfer_id: int, to_status: str) -> tuple[TransferOrder, str]:
    """Load the transfer in sight, locked, and check ``to_status`` is the allowed next step."""
    user = actor.user
    transfer = selectors.transfer_in_reach(user=user, pk=transfer_id)
    require(user, step_action(to_status))
    transfer = TransferOrder.objects.select_for_update().select_related("destination").get(pk=transfer.pk)
    from_status = transfer.status
    if to_status not in TRANSITIONS[from_status]:
        raise Conflict(
            _("转运单当前为“%(from_status)s”，不能标记为“%(to_status)s”") % {
                "from_status": S(from_status).label,
                "to_status": S(to_status).label,
            },
            code="transition_not_allowed",
        )
    return transfer, from_status


def _save_step(*, actor: Actor, transfer: TransferOrder, from_status: str, fields: list[str], note: str = ""):
    transfer.save(update_fields=["status", *fields])
    changes = {"status": [from_status, transfer.status]}
    changes.update({f: [None, audit.plain(getattr(transfer, f))] for f in fields})
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=transfer, changes=changes, note=note)


@transaction.atomic
def transfer_depart(*, actor: Actor, transfer_id: int, at: dt.datetime | None = None) -> TransferOrder:
    transfer, from_status = _step(actor=actor, transfer_id=transfer_id, to_status=S.EN_ROUTE)
    if transfer.acknowledged_at is None:
        raise Conflict(
            _("%(facility)s 尚未确认接收，不能出发") % {"facility": transfer.destination.name},
            code="not_acknowledged",
        )
    transfer.status, transfer.departed_at = S.EN_ROUTE, at or timezone.now()
    _save_step(actor=actor, transfer=transfer, from_status=from_status, fields=["departed_at"])
    alert_resolve(dedupe_key=selectors.transfer_alert_keys(transfer.pk)["late_departure"])
    return transfer


@transaction.atomic
def transfer_arrive(*, actor: Actor, transfer_id: int, at: dt.datetime | None = None) -> TransferOrder:
    transfer, from_status = _step(actor=actor, transfer_id=transfer_id, to_status=S.ARRIVED)
    transfer.status, transfer.arrived_at = S.ARRIVED, at or timezone.now()
    _save_step(actor=actor, transfer=transfer, from_status=from_status, fields=["arrived_at"])
    keys = selectors.transfer_alert_keys(transfer.pk)
    alert_resolve(dedupe_key=keys["late_departure"])
    alert_resolve(dedupe_key=keys["late_arrival"])
    _resolve_silence(transfer.pk)
    return transfer


@transaction.atomic
def transfer_handover(*, actor: Actor, transfer_id: int, received_by: str) -> TransferOrder:
    """The receiving side confirms: every patient is admitted at the destination, the loop's
    gaps close (admitted or isolated by tier), and the transfer's alerts are resolved."""
    received_by = (received_by or "").strip()
    if not received_by:
        raise ValidationFailed(_("请填写接收人"), code="receiver_required", errors={"received_by": _("必填")})
    transfer, from_status = _step(actor=actor, transfer_id=transfer_id, to_status=S.HANDED_OVER)
    now = timezone.now()
    transfer.status, transfer.handed_over_at, transfer.received_by = S.HANDED_OVER, now, received_by[:50]
    _save_step(actor=actor, transfer=transfer, from_status=from_status, fields=["handed_over_at", "received_by"])
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    for patient in transfer.patients.select_related("resident"):
        _admit(actor=actor, resident=patient.resident, facility=transfer.destination, at=now, transfer=transfer,
               user=user)
    for key in selectors.transfer_alert_keys(transfer.pk).values():
        alert_resolve(dedupe_key=key)
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: Actor, transfer_id: int, reason: str) -> TransferOrder:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写取消原因"), code="reason_required", errors={"reason": _("必填")})
    transfer, from_status = _step(actor=actor, transfer_id=transfer_id, to_status=S.CANCELLED)
    transfer.status = S.CANCELLED
    _save_step(actor=actor, transfer=transfer, from_status=from_status, fields=[], note=reason)
    for key in selectors.transfer_alert_keys(transfer.pk).values():
        alert_resolve(dedupe_key=key)
    return transfer


# --- Admissions ------------------------------------------------------------------------------


def _admit(*, actor: Actor, resident, facility: Facility, at: dt.datetime, transfer=None, user=None) -> Admission:
    # Moving up a tier (方舱 → 定点医院) ends the stay at the previous facility.
    for previous in Admission.objects.select_for_update().filter(resident=resident, discharged_at__isnull=True):
        previous.discharged_at = at
        previous.save(update_fields=["discharged_at"])
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=previous,
                     changes={"discharged_at": [None, audit.plain(at)]}, note="转入其他机构")
    admission = Admission.objects.create(
        resident=resident, grid_code=resident.grid_code, facility=facility, transfer=transfer, admitted_at=at,
        recorded_by=user,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=admission,
                 changes={"facility": [None, facility.pk], "admitted_at": [None, audit.plain(at)]})
    if facility.tier in ADMITTING_TIERS:
        health.mark_admitted(resident=resident, at=at)
    else:
        health.mark_isolated(resident=resident, at=at)
    return admission


@transaction.atomic
def admission_record(*, actor: Actor, resident_id: int, facility_id: int, admitted_at: dt.datetime) -> Admission:
    """A facility received a person directly (a hospital's system pushing its admissions)."""
    user = actor.user
    require(user, "transfer.admission.record")
    resident = resident_in_reach(user=user, pk=resident_id)
    facility = selectors.facility_in_reach(user=user, pk=facility_id)
    if admitted_at is None:
        raise ValidationFailed(_("请填写收治时间"), code="admitted_at_required", errors={"admitted_at": _("必填")})
    if admitted_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationFailed(
            _("收治时间不能晚于当前时间"),
            code="admitted_at_in_future",
            errors={"admitted_at": _("不能是将来时间")},
        )
    if Admission.objects.filter(resident=resident, facility=facility, discharged_at__isnull=True).exists():
        raise Conflict(
            _("%(name)s 已在 %(facility)s 收治中") % {"name": resident.name, "facility": facility.name},
            code="already_admitted",
        )
    return _admit(actor=actor, resident=resident, facility=facility, at=admitted_at,
                  user=user if user.is_authenticated else None)


@transaction.atomic
def discharge_record(*, actor: Actor, admission_id: int, discharged_at: dt.datetime | None = None) -> Admission:
    user = actor.user
    require(user, "transfer.discharge.record")
    admission = selectors.admission_in_reach(user=user, pk=admission_id)
    admission = Admission.objects.select_for_update().get(pk=admission.pk)
    if admission.discharged_at is not None:
        raise Conflict(_("该收治记录已出院"), code="already_discharged")
    at = discharged_at or timezone.now()
    if at < admission.admitted_at:
        raise ValidationFailed(
            _("出院时间不能早于收治时间"),
            code="discharge_before_admission",
            errors={"discharged_at": _("早于收治时间")},
        )
    admission.discharged_at = at
    admission.save(update_fields=["discharged_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=admission,
                 changes={"discharged_at": [None, audit.plain(at)]})
    return admission
