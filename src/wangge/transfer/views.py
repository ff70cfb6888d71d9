"""Transfer pages: the facility board, the transfer list (en route first, late ones marked), the
create form with patient search, and the detail page with its timeline and step buttons.

Views read the request, call a selector or a service, and render; every rule is in those."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.permissions import can, refusal
from wangge.accounts.services import common_prefix
from wangge.audit.context import Actor
from wangge.core.errors import DomainError, Forbidden
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import forbidden, not_found_as_404
from wangge.exports.audited import audited_export, audited_report
from wangge.people.selectors import resident_queryset
from wangge.transfer import selectors, services
from wangge.transfer.forms import (
    CancelForm,
    CheckInForm,
    ClosedRoadForm,
    FacilityForm,
    HandoverForm,
    TransferFilterForm,
    TransferForm,
    VehicleForm,
)
from wangge.transfer.models import Facility, TransferOrder

S = TransferOrder.Status


def _filters(request) -> tuple[TransferFilterForm, selectors.TransferFilters]:
    form = TransferFilterForm.read(request.GET)
    return form, form.filters


@login_required
def transfer_list(request):
    form, filters = _filters(request)
    qs = selectors.transfer_board(user=request.user, filters=filters)
    page = request_page(request, qs)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "transfer/transfer_list.html", {
        "form": form, "transfers": selectors.mark_late(page.items), "query": query.urlencode(),
        "total": qs.count(), **pager_urls(request, page),
        "can_create": can(request.user, services.step_action(S.PLANNED)),
    })


@login_required
def transfer_export(request):
    _form, filters = _filters(request)
    return audited_export(
        actor=Actor.from_request(request), object_type="transfer.transferorder",
        grid_code=common_prefix(request.user), filters=filters.audit_dump(),
        filename="转运单.xlsx", headers=selectors.TRANSFER_EXPORT_HEADERS,
        rows=selectors.transfer_export_rows(user=request.user, filters=filters),
    )


def _submitted(request, form) -> bool:
    """A real submission (not "再加一辆车", which only redraws the form with one more row)."""
    return request.method == "POST" and not request.POST.get("add_row") and form.is_valid()


@login_required
def transfer_new(request):
    if not can(request.user, services.step_action(S.PLANNED)):
        return forbidden(request, refusal(services.step_action(S.PLANNED)))
    occupancy = selectors.facility_occupancy(user=request.user)
    vehicles = selectors.vehicles_available(user=request.user).filter(is_active=True)
    form = TransferForm(request.POST or None, occupancy=occupancy, vehicles=vehicles)
    # ?resident=<id> comes picked (the person page's next step after 确诊); one out of reach is not.
    typed = request.POST.getlist("resident_ids") if request.method == "POST" else request.GET.getlist("resident")
    ids = [i for i in typed if i.isdigit()]
    picked = list(resident_queryset(user=request.user).filter(pk__in=ids)) if ids else []
    if _submitted(request, form):
        data = form.cleaned_data
        try:
            transfer = services.transfer_create(
                actor=Actor.from_request(request), resident_ids=[r.pk for r in picked],
                origin=data["origin"], destination_id=data["destination"], vehicles=data["vehicles"],
                route_note=data["route_note"], closed_road_override=data["closed_road_override"],
                planned_departure=data["planned_departure"], planned_arrival=data["planned_arrival"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("转运单已登记，请等待接收方确认"))
            return redirect("transfer:detail", transfer.pk)
    return render(request, "transfer/transfer_form.html", {
        "form": form, "picked": picked, "per_escort": selectors.patients_per_escort(),
    })


@login_required
@not_found_as_404
def transfer_edit(request, pk: int):
    transfer = selectors.transfer_in_reach(user=request.user, pk=pk)
    if not can(request.user, services.step_action(S.PLANNED), transfer):
        return forbidden(request, refusal(services.step_action(S.PLANNED)))
    vehicles = selectors.vehicles_available(user=request.user).filter(is_active=True)
    initial = TransferForm.initial_for(transfer, selectors.transfer_convoy(transfer=transfer))
    form = TransferForm(request.POST or None, initial=initial, vehicles=vehicles, editing=True)
    if _submitted(request, form):
        data = form.cleaned_data
        try:
            services.transfer_update(
                actor=Actor.from_request(request), transfer_id=transfer.pk, origin=data["origin"],
                vehicles=data["vehicles"], route_note=data["route_note"],
                closed_road_override=data["closed_road_override"],
                planned_departure=data["planned_departure"], planned_arrival=data["planned_arrival"],
            )
        except DomainError as exc:
            if exc.http_status == 404:
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("转运单已修改，请接收方重新确认"))
            return redirect("transfer:detail", transfer.pk)
    return render(request, "transfer/transfer_form.html", {
        "form": form, "transfer": transfer, "per_escort": selectors.patients_per_escort(),
    })


def _step_buttons(user, transfer: TransferOrder) -> dict[str, bool]:
    """Which step buttons the page shows: steps allowed from the status that the user may take."""
    steps = {"can_depart": S.EN_ROUTE, "can_arrive": S.ARRIVED, "can_handover": S.HANDED_OVER,
             "can_cancel": S.CANCELLED}
    allowed = services.TRANSITIONS.get(transfer.status, set())
    buttons = {name: to in allowed and can(user, services.step_action(to), transfer) for name, to in steps.items()}
    planned, acknowledged = transfer.status == S.PLANNED, transfer.acknowledged_at is not None
    # Departure waits for the receiving side; the page offers the acknowledgement first.
    buttons["can_depart"] = buttons["can_depart"] and acknowledged
    buttons["can_acknowledge"] = planned and not acknowledged and services.may_acknowledge(user, transfer)
    buttons["can_edit"] = planned and can(user, services.step_action(S.PLANNED), transfer)
    buttons["can_check_in"] = transfer.status == S.EN_ROUTE and can(user, "transfer.check_in", transfer)
    return buttons


def _map_data(check_ins) -> dict:
    points = [{"lat": c.lat, "lng": c.lng, "place": c.place_note,
               "at": timezone.localtime(c.at).strftime("%H:%M")}
              for c in reversed(check_ins) if c.lat is not None and c.lng is not None]
    return {"points": points, "tile_url": settings.WANGGE_MAP_TILE_URL}


@login_required
@not_found_as_404
def transfer_detail(request, pk: int):
    transfer = selectors.transfer_detail(actor=Actor.from_request(request), pk=pk)
    user = request.user
    check_ins = selectors.transfer_check_ins(transfer=transfer)
    return render(request, "transfer/transfer_detail.html", {
        "t": transfer,
        "late": selectors.is_late(transfer),
        "patients": selectors.transfer_patients(transfer=transfer),
        "timeline": selectors.transfer_timeline(transfer),
        "convoy": selectors.transfer_convoy(transfer=transfer),
        "check_ins": check_ins,
        "map_data": _map_data(check_ins),
        "silent_after": settings.WANGGE_TRANSFER_CHECK_IN_MINUTES,
        **_step_buttons(user, transfer),
        "handover_form": HandoverForm(),
        "cancel_form": CancelForm(),
    })


def _run_step(request, pk: int, step, **kwargs):
    try:
        step(actor=Actor.from_request(request), transfer_id=pk, **kwargs)
    except Forbidden as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        if exc.http_status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更新转运状态"))
    return redirect("transfer:detail", pk)


@login_required
@require_POST
@not_found_as_404
def transfer_depart(request, pk: int):
    return _run_step(request, pk, services.transfer_depart)


@login_required
@require_POST
@not_found_as_404
def transfer_arrive(request, pk: int):
    return _run_step(request, pk, services.transfer_arrive)


@login_required
@require_POST
@not_found_as_404
def transfer_handover(request, pk: int):
    return _run_step(request, pk, services.transfer_handover, received_by=request.POST.get("received_by", ""))


@login_required
@require_POST
@not_found_as_404
def transfer_acknowledge(request, pk: int):
    return _run_step(request, pk, services.transfer_acknowledge, name=request.POST.get("name", ""))


@login_required
@not_found_as_404
def transfer_check_in(request, pk: int):
    """The crew's phone page: one big button that sends the phone's position (or a place typed when
    the phone will not give it), and the convoy's last reports."""
    transfer = selectors.transfer_in_reach(user=request.user, pk=pk)
    if not can(request.user, "transfer.check_in", transfer):
        return forbidden(request, refusal("transfer.check_in"))
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_check_in(actor=Actor.from_request(request), transfer_id=transfer.pk, lat=data["lat"],
                                       lng=data["lng"], accuracy=data["accuracy"], place_note=data["place_note"])
        except DomainError as exc:
            if exc.http_status == 404:
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已报告当前位置"))
            return redirect("transfer:check_in", transfer.pk)
    check_ins = selectors.transfer_check_ins(transfer=transfer)
    return render(request, "transfer/check_in.html", {
        "t": transfer, "form": form, "check_ins": check_ins, "last": check_ins[0] if check_ins else None,
        "en_route": transfer.status == S.EN_ROUTE,
    })


@login_required
@require_POST
@not_found_as_404
def transfer_cancel(request, pk: int):
    return _run_step(request, pk, services.transfer_cancel, reason=request.POST.get("reason", ""))


@login_required
def facility_board(request):
    rows = selectors.facility_occupancy(user=request.user)
    tiers = [
        (label, [r for r in rows if r.facility.tier == value]) for value, label in Facility.Tier.choices
    ]
    return render(request, "transfer/facility_board.html", {
        "tiers": tiers, "can_create": can(request.user, "transfer.facility.create"),
    })


@login_required
def facility_export(request):
    return audited_report(
        actor=Actor.from_request(request), object_type="transfer.facility", grid_code=common_prefix(request.user),
        filters={}, filename="收治机构床位.xlsx", spec=selectors.facility_report(user=request.user),
    )


@login_required
def facility_new(request):
    if not can(request.user, "transfer.facility.create"):
        return forbidden(request, refusal("transfer.facility.create"))
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.facility_create(actor=Actor.from_request(request), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("收治机构已登记"))
            return redirect("transfer:facilities")
    return render(request, "transfer/facility_form.html", {"form": form})


# --- Vehicles and closed roads ------------------------------------------------------------------


@login_required
def vehicle_list(request):
    qs = selectors.vehicles_available(user=request.user)
    page = request_page(request, qs)
    return render(request, "transfer/vehicle_list.html", {
        "vehicles": page.items, "total": qs.count(), **pager_urls(request, page),
        "can_create": can(request.user, "transfer.vehicle.manage"),
    })


@login_required
def vehicle_new(request):
    if not can(request.user, "transfer.vehicle.manage"):
        return forbidden(request, refusal("transfer.vehicle.manage"))
    form = VehicleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vehicle_create(actor=Actor.from_request(request), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("车辆已登记"))
            return redirect("transfer:vehicles")
    return render(request, "transfer/simple_form.html", {"form": form, "title": _("登记转运车辆")})


@login_required
def closed_road_list(request):
    qs = selectors.closed_roads_visible(user=request.user)
    page = request_page(request, qs)
    return render(request, "transfer/closed_road_list.html", {
        "roads": page.items, "total": qs.count(), **pager_urls(request, page), "now": timezone.now(),
        "can_manage": can(request.user, "transfer.closed_road.manage"),
    })


@login_required
def closed_road_new(request):
    if not can(request.user, "transfer.closed_road.manage"):
        return forbidden(request, refusal("transfer.closed_road.manage"))
    form = ClosedRoadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.closed_road_create(actor=Actor.from_request(request), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("封闭路段已登记"))
            return redirect("transfer:closed_roads")
    return render(request, "transfer/simple_form.html", {"form": form, "title": _("登记封闭路段")})


@login_required
@require_POST
@not_found_as_404
def closed_road_reopen(request, pk: int):
    try:
        services.closed_road_reopen(actor=Actor.from_request(request), road_id=pk)
    except Forbidden as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        if exc.http_status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已解除封闭"))
    return redirect("transfer:closed_roads")
