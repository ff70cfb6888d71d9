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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import require
from wangge.alerts.services import alert_resolve
from wangge.audit import services as audit
from wangge.audit.context import Actor
from wangge.audit.models import AuditAction
from wangge.core.codes import LEVEL_BY_LENGTH
from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.grid.selectors import area_in_reach
from wangge.health import services as health
from wangge.people.selectors import resident_in_reach
from wangge.transfer import selectors
from wangge.transfer.models import Admission, Facility, TransferOrder, TransferPatient

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


@transaction.atomic
def transfer_create(
    *,
    actor: Actor,
    resident_ids: list[int],
    origin: str,
    destination_id: int,
    vehicle: str,
    escort: str,
    escort_phone: str,
    driver: str = "",
    route_note: str = "",
    planned_departure: dt.datetime,
    planned_arrival: dt.datetime,
) -> TransferOrder:
    """A planned transfer of residents in reach to a facility with room for all of them."""
    user = actor.user
    require(user, step_action(S.PLANNED))
    ids = list(dict.fromkeys(int(i) for i in resident_ids or []))
    if not ids:
        raise ValidationFailed(
            _("请至少选择一名转运人员"),
            code="patients_required",
            errors={"resident_ids": _("必填")},
        )
    errors = {}
    required = (
        ("origin", origin, _("请填写出发地")),
        ("vehicle", vehicle, _("请填写车辆")),
        ("escort", escort, _("请填写随车人员")),
    )
    for field, value, message in required:
        if not (value or "").strip():
            errors[field] = message
    if errors:
        raise ValidationFailed("；".join(errors.values()), code="fields_required", errors=errors)
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
    transfer = TransferOrder.objects.create(
        grid_code=scope_code_for([r.grid_code for r in residents]), origin=origin.strip()[:200],
        destination=destination, vehicle=vehicle.strip()[:50], driver=(driver or "").strip()[:50],
        escort=escort.strip()[:100], escort_phone=(escort_phone or "").strip()[:30],
        route_note=(route_note or "").strip()[:500], planned_departure=planned_departure,
        planned_arrival=planned_arrival, created_by=user if user.is_authenticated else None,
    )
    TransferPatient.objects.bulk_create(
        [TransferPatient(transfer=transfer, resident=r, grid_code=r.grid_code) for r in residents]
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=transfer,
        changes={"residents": [None, ids], "destination": [None, destination.pk], "status": [None, S.PLANNED]},
    )
    return transfer


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
