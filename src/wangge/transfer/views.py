"""Transfer pages: the facility board, the transfer list (en route first, late ones marked), the
create form with patient search, and the detail page with its timeline and step buttons.

Views read the request, call a selector or a service, and render; every rule is in those."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.permissions import can, refusal
from wangge.accounts.services import common_prefix
from wangge.audit.context import Actor
from wangge.core.errors import DomainError, Forbidden
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import forbidden, not_found_as_404
from wangge.exports.audited import audited_export, audited_report
from wangge.people.selectors import ResidentFilters, resident_in_reach, resident_queryset
from wangge.transfer import selectors, services
from wangge.transfer.forms import CancelForm, FacilityForm, HandoverForm, TransferFilterForm, TransferForm
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


@login_required
def transfer_new(request):
    if not can(request.user, services.step_action(S.PLANNED)):
        return forbidden(request, refusal(services.step_action(S.PLANNED)))
    occupancy = selectors.facility_occupancy(user=request.user)
    form = TransferForm(request.POST or None, occupancy=occupancy)
    # ?resident=<id> comes picked (the person page's next step after 确诊); one out of reach is not.
    typed = request.POST.getlist("resident_ids") if request.method == "POST" else request.GET.getlist("resident")
    ids = [i for i in typed if i.isdigit()]
    picked = list(resident_queryset(user=request.user).filter(pk__in=ids)) if ids else []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.transfer_create(
                actor=Actor.from_request(request), resident_ids=[r.pk for r in picked],
                origin=data["origin"], destination_id=data["destination"], vehicle=data["vehicle"],
                escort=data["escort"], escort_phone=data["escort_phone"], driver=data["driver"],
                route_note=data["route_note"], planned_departure=data["planned_departure"],
                planned_arrival=data["planned_arrival"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("转运单已登记"))
            return redirect("transfer:detail", transfer.pk)
    return render(request, "transfer/transfer_form.html", {"form": form, "picked": picked})


SUGGESTIONS = 20


@login_required
def patient_search(request):
    """Residents in reach matching a name prefix, a phone or the last 4 of an ID (htmx fragment)."""
    q = request.GET.get("q", "").strip()[:30]
    residents, more = [], False
    if q:
        # Suggestions to pick from, not a list page: the first SUGGESTIONS, and a line saying there
        # are more (type more of the name) rather than a silent cut.
        residents = list(resident_queryset(user=request.user, filters=ResidentFilters(q=q))
                         .select_related("household")[:SUGGESTIONS + 1])
        more, residents = len(residents) > SUGGESTIONS, residents[:SUGGESTIONS]
    return render(request, "transfer/_patient_results.html", {"residents": residents, "q": q, "more": more})


@login_required
@not_found_as_404
def patient_pick(request, pk: int):
    resident = resident_in_reach(user=request.user, pk=pk)
    return render(request, "transfer/_patient_picked.html", {"r": resident})


def _step_buttons(user, transfer: TransferOrder) -> dict[str, bool]:
    """Which step buttons the page shows: steps allowed from the status that the user may take."""
    steps = {"can_depart": S.EN_ROUTE, "can_arrive": S.ARRIVED, "can_handover": S.HANDED_OVER,
             "can_cancel": S.CANCELLED}
    allowed = services.TRANSITIONS.get(transfer.status, set())
    return {name: to in allowed and can(user, services.step_action(to), transfer) for name, to in steps.items()}


@login_required
@not_found_as_404
def transfer_detail(request, pk: int):
    transfer = selectors.transfer_detail(actor=Actor.from_request(request), pk=pk)
    user = request.user
    return render(request, "transfer/transfer_detail.html", {
        "t": transfer,
        "late": selectors.is_late(transfer),
        "patients": selectors.transfer_patients(transfer=transfer),
        "timeline": selectors.transfer_timeline(transfer),
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
