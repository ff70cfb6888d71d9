"""Quarantine pages: sites with occupancy, orders (lists, detail, results, release, extension),
the printable release certificate, and the Excel export.  Thin callers of selectors and services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.permissions import can, require
from wangge.accounts.services import common_prefix
from wangge.audit.context import Actor
from wangge.core.codes import division_code_of
from wangge.core.errors import DomainError, Forbidden, NotFound
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import flash_outcome, forbidden, not_found_as_404, safe_next
from wangge.exports.audited import audited_export, audited_report
from wangge.people.selectors import resident_in_reach
from wangge.quarantine import selectors, services
from wangge.quarantine.forms import ExtendForm, OrderForm, SiteForm


@login_required
def site_list(request):
    qs = selectors.site_queryset(user=request.user)
    page = request_page(request, qs)
    context = {
        "sites": selectors.occupancy_of(page.items),
        "total": qs.count(),
        **pager_urls(request, page),
        "can_manage": can(request.user, "quarantine.site.create"),
        "form": SiteForm(initial={"division_code": division_code_of(common_prefix(request.user))}),
    }
    return render(request, "quarantine/site_list.html", context)


@login_required
def site_export(request):
    return audited_report(
        actor=Actor.from_request(request), object_type="quarantine.site", grid_code=common_prefix(request.user),
        filters={}, filename="集中隔离点.xlsx", spec=selectors.site_report(user=request.user),
    )


@login_required
@require_POST
def site_create(request):
    form = SiteForm(request.POST)
    if form.is_valid():
        try:
            site = services.site_create(actor=Actor.from_request(request), **form.cleaned_data)
        except Forbidden as exc:
            return forbidden(request, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("隔离点已设立"))
            return redirect("quarantine:site_detail", pk=site.pk)
    else:
        messages.error(request, _("请检查隔离点信息"))
    return redirect("quarantine:site_list")


@login_required
@not_found_as_404
def site_detail(request, pk: int):
    site, rooms = selectors.site_rooms(user=request.user, site_id=pk)
    occupancy = next((s for s in selectors.site_occupancy(user=request.user, active_only=False) if s.site.pk == pk),
                     None)
    return render(request, "quarantine/site_detail.html", {"site": site, "rooms": rooms, "occupancy": occupancy})


def _order_filters(request) -> tuple[selectors.OrderFilters, list[str]]:
    filters, errors = selectors.OrderFilters.from_query(request.GET)
    return filters, selectors.OrderFilters.messages(errors)


@login_required
def order_list(request):
    filters, filter_errors = _order_filters(request)
    qs = selectors.order_queryset(user=request.user, filters=filters)
    page = request_page(request, qs)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "filters": filters,
        "filter_errors": filter_errors,
        "page": page,
        **pager_urls(request, page),
        "total": qs.count(),
        "counts": selectors.order_counts(user=request.user),
        "views": selectors.VIEWS,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "can_order": can(request.user, "quarantine.order"),
    }
    return render(request, "quarantine/order_list.html", context)


@login_required
def order_export(request):
    filters, _errors = _order_filters(request)
    qs = selectors.order_queryset(user=request.user, filters=filters)
    return audited_export(
        actor=Actor.from_request(request), object_type="quarantine.quarantineorder",
        grid_code=common_prefix(request.user), filters=filters.audit_dump(), filename="隔离人员名单.xlsx",
        headers=selectors.ORDER_EXPORT_HEADERS, rows=selectors.order_export_rows(qs),
    )


@login_required
@not_found_as_404
def order_new(request):
    user = request.user
    require(user, "quarantine.order")
    site_choices = [(s.site.pk, f"{s.site.name}（{_('空余')} {s.free}）") for s in selectors.site_occupancy(user=user)]
    initial = {"resident_id": request.GET.get("resident") or None, "place": "home", "regime_code": "7+3",
               "start_date": timezone.localdate()}
    form = OrderForm(request.POST or None, initial=initial, site_choices=site_choices)
    resident = None
    resident_pk = request.POST.get("resident_id") or request.GET.get("resident")
    if resident_pk and str(resident_pk).isdigit():
        try:
            resident = resident_in_reach(user=user, pk=int(resident_pk))
        except NotFound:
            resident = None
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            room_id = None
            if data["place"] == "central" and data["site_id"]:
                room_id = services.first_free_room(user=user, site_id=data["site_id"]).pk
            order = services.quarantine_order_create(
                actor=Actor.from_request(request), resident_id=data["resident_id"], regime_code=data["regime_code"],
                place=data["place"], site_id=data["site_id"] if data["place"] == "central" else None,
                room_id=room_id, start_date=data["start_date"], reason=data["reason"],
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("隔离令已下达"))
            return redirect("quarantine:order_detail", pk=order.pk)
    status = 422 if error or (request.method == "POST" and not form.is_valid()) else 200
    return render(request, "quarantine/order_new.html", {"form": form, "resident": resident, "error": error},
                  status=status)


@login_required
@not_found_as_404
def order_detail(request, pk: int):
    order = selectors.order_detail(actor=Actor.from_request(request), pk=pk)
    user = request.user
    context = {
        "order": order,
        "tests": selectors.order_tests(order),
        "problems": selectors.order_release_problems(order),
        "today": timezone.localdate(),
        "extend_form": ExtendForm(),
        "can_record": can(user, "quarantine.test.record"),
        "can_correct": can(user, "quarantine.test.correct"),
        "can_release": can(user, "quarantine.release"),
        "home_from": order.start_date + dt.timedelta(days=order.regime.central_days),
    }
    return render(request, "quarantine/order_detail.html", context)


def _run(request, pk: int, call, success: str):
    flash_outcome(request, call, success=success)
    return redirect("quarantine:order_detail", pk=pk)


def _card_context(request, test, **extra) -> dict:
    user = request.user
    return {"t": test, "order": test.order, "today": timezone.localdate(),
            "can_record": can(user, "quarantine.test.record"), "can_correct": can(user, "quarantine.test.correct"),
            **extra}


def _back_to_order(request, order_id: int):
    url = reverse("quarantine:order_detail", args=[order_id])
    if request.headers.get("HX-Request"):
        # The positive button asked with htmx: load the whole page (and its message) instead of a card.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_POST
@not_found_as_404
def test_result(request, pk: int):
    """Record a result.  A positive without ``confirm=1`` answers the second step, "确认阳性？":
    the card with 确认 / 取消 (the card alone for htmx, a page of its own without script)."""
    actor = Actor.from_request(request)
    try:
        test = services.test_result_record(actor=actor, test_id=pk, result=request.POST.get("result", ""),
                                           confirmed=request.POST.get("confirm") == "1")
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        test = selectors.test_in_reach(user=request.user, pk=pk)
        if exc.code == "positive_unconfirmed":
            template = "quarantine/_test_card.html" if request.headers.get("HX-Request") else \
                "quarantine/test_confirm.html"
            return render(request, template, _card_context(request, test, confirming=True))
        messages.error(request, exc.message)
        return _back_to_order(request, test.order_id)
    messages.success(request, _("检测结果已录入：%(result)s") % {"result": test.get_result_display()})
    return _back_to_order(request, test.order_id)


@login_required
@require_POST
@not_found_as_404
def test_correct(request, pk: int):
    """Correct a recorded result with a new entry (the result and a reason from the card's form)."""
    entry = flash_outcome(request, lambda: services.test_result_correct(
        actor=Actor.from_request(request), test_id=pk, result=request.POST.get("result", ""),
        reason=request.POST.get("reason", "")), success=_("已更正检测结果"))
    order_id = entry.test.order_id if entry else selectors.test_in_reach(user=request.user, pk=pk).order_id
    return redirect(reverse("quarantine:order_detail", args=[order_id]) + f"#test-{pk}")


@login_required
def tests_due(request):
    """Tests due by today without a result, across the orders in reach, to tick and mark 全部阴性."""
    qs = selectors.due_test_queryset(user=request.user)
    page = request_page(request, qs)
    return render(request, "quarantine/tests_due.html", {
        "page": page, **pager_urls(request, page), "total": qs.count(), "today": timezone.localdate(),
        "can_record": can(request.user, "quarantine.test.record"),
        "can_order": can(request.user, "quarantine.order"),
    })


@login_required
@require_POST
@not_found_as_404
def tests_negative(request):
    ids = [int(v) for v in request.POST.getlist("test_ids") if v.isdigit() and len(v) < 19]
    try:
        tests = services.test_results_negative(actor=Actor.from_request(request), test_ids=ids)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已录入 %(n)s 份阴性结果") % {"n": len(tests)})
    return redirect(safe_next(request, reverse("quarantine:tests_due")))


@login_required
@require_POST
@not_found_as_404
def order_release(request, pk: int):
    actor = Actor.from_request(request)
    try:
        order = services.order_release(actor=actor, order_id=pk)
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quarantine:order_detail", pk=pk)
    messages.success(request, _("已解除隔离，证明编号 %(n)s") % {"n": order.certificate_number})
    return redirect("quarantine:certificate", pk=order.pk)


@login_required
@require_POST
@not_found_as_404
def order_extend(request, pk: int):
    form = ExtendForm(request.POST)
    if not form.is_valid():
        services.order_in_reach(user=request.user, pk=pk)
        messages.error(request, _("延长隔离须填写天数（1-28）和原因"))
        return redirect("quarantine:order_detail", pk=pk)
    return _run(request, pk, lambda: services.order_extend(
        actor=Actor.from_request(request), order_id=pk, days=form.cleaned_data["days"],
        reason=form.cleaned_data["reason"]), _("已延长隔离"))


@login_required
@require_POST
@not_found_as_404
def order_move_home(request, pk: int):
    return _run(request, pk, lambda: services.order_move_to_home_phase(actor=Actor.from_request(request), order_id=pk),
                _("已转为居家隔离，房间已释放"))


@login_required
@not_found_as_404
def certificate(request, pk: int):
    order = selectors.certificate_order(actor=Actor.from_request(request), pk=pk)
    last_day = order.planned_release - dt.timedelta(days=1)
    return render(request, "quarantine/certificate.html", {
        "order": order, "last_day": last_day, "issuer": order.site.name if order.site_id else None,
    })

