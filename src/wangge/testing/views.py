"""全员核酸 pages: read the request, call a selector or a service, render.  No rule lives here."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.permissions import can, refusal
from wangge.audit.context import Actor
from wangge.core.errors import DomainError, NotFound
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import forbidden, not_found_as_404
from wangge.exports.views import export_or_job
from wangge.grid.selectors import area_names
from wangge.testing import selectors, services
from wangge.testing.forms import ExemptionForm, PointForm, ResultFileForm, RoundForm


@login_required
def round_list(request):
    page = request_page(request, selectors.round_queryset(user=request.user))
    names = area_names([r.grid_code for r in page.items])
    for r in page.items:
        r.area_name = names.get(r.grid_code, r.grid_code)
    return render(request, "testing/round_list.html", {
        "page": page, **pager_urls(request, page), "can_create": can(request.user, services.ROUND_CREATE)})


@login_required
def round_new(request):
    if not can(request.user, services.ROUND_CREATE):
        return forbidden(request, refusal(services.ROUND_CREATE))
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.round_create(actor=Actor.from_request(request), **form.cleaned_data)
        except NotFound as exc:
            form.add_error("area_code", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已发起检测轮次"))
            return redirect("testing:round", rnd.pk)
    return render(request, "testing/round_form.html", {"form": form})


@login_required
@not_found_as_404
def round_detail(request, pk: int):
    user = request.user
    rnd = selectors.round_in_reach(user=user, pk=pk)
    rnd.area_name = area_names([rnd.grid_code]).get(rnd.grid_code, rnd.grid_code)
    return render(request, "testing/round_detail.html", {
        "r": rnd, "day": selectors.round_day(rnd), "pool": selectors.pool_size(rnd),
        "plan": selectors.round_plan(user=user, rnd=rnd), "saving": selectors.pooling_saving(user=user, rnd=rnd),
        "coverage": selectors.coverage(user=user, rnd=rnd),
        "points": selectors.point_queryset(user=user, rnd=rnd),
        "positives": selectors.positive_tubes(user=user, rnd=rnd),
        "by_point": selectors.turnaround(user=user, rnd=rnd, by="point"),
        "by_lab": selectors.turnaround(user=user, rnd=rnd, by="lab"),
        "can_create": can(user, services.ROUND_CREATE), "can_result": can(user, services.RESULT),
        "result_form": ResultFileForm(),
    })


@login_required
@not_found_as_404
def point_new(request, pk: int):
    rnd = selectors.round_in_reach(user=request.user, pk=pk)
    if not can(request.user, services.ROUND_CREATE):
        return forbidden(request, refusal(services.ROUND_CREATE))
    form = PointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.point_create(actor=Actor.from_request(request), round_id=rnd.pk, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已设立采样点"))
            return redirect("testing:point", point.pk)
    return render(request, "testing/point_form.html", {"form": form, "r": rnd})


def _station(request, point, outcome=None, error: str = "", pending: str = ""):
    user = request.user
    page = request_page(request, selectors.recent_samples(point=point, user=user), limit=10)
    context = {"point": point, "r": point.round, "tube": selectors.open_tube(point=point, user=user),
               "outcome": outcome, "error": error, "pending": pending, "recent": page,
               "counts": selectors.samples_by_point(user=user, point=point, day=selectors.round_day(point.round)),
               "can_sample": can(user, services.SAMPLE, point)}
    template = "testing/_station.html" if request.htmx else "testing/point_station.html"
    return render(request, template, context)


@login_required
@not_found_as_404
def point_station(request, pk: int):
    """The sampling page at a point, made for a phone: scan the code, (a single tube's barcode when
    asked), next."""
    return _station(request, selectors.point_in_reach(user=request.user, pk=pk))


@login_required
@require_POST
@not_found_as_404
def point_scan(request, pk: int):
    point = selectors.point_in_reach(user=request.user, pk=pk)
    actor = Actor.from_request(request)
    person = request.POST.get("person", "")
    if not person and request.POST.get("resident_id", "").isdigit():  # picked in the person picker
        person = f"#{request.POST['resident_id']}"
    try:
        if request.POST.get("tube"):
            services.tube_open(actor=actor, point_id=point.pk, barcode=request.POST["tube"])
            if not person:
                return _station(request, point)
        outcome = services.sample_register(actor=actor, point_id=point.pk, person=person,
                                           single_barcode=request.POST.get("single", ""))
    except NotFound as exc:
        return _station(request, point, error=exc.message)
    except DomainError as exc:
        if exc.http_status == 403:
            raise
        return _station(request, point, error=exc.message, pending=person if request.POST.get("single") else "")
    pending = person if (outcome.single and outcome.tube is None) or outcome.needs_tube else ""
    return _station(request, point, outcome=outcome, pending=pending)


@login_required
@require_POST
@not_found_as_404
def tube_close(request, pk: int):
    tube = selectors.tube_in_reach(user=request.user, pk=pk)
    try:
        services.tube_close(actor=Actor.from_request(request), tube_id=tube.pk)
    except DomainError as exc:
        if exc.http_status in (403, 404):
            raise
        messages.error(request, exc.message)
    return _station(request, tube.point) if request.htmx else redirect("testing:point", tube.point_id)


@login_required
@not_found_as_404
def round_untested(request, pk: int):
    user = request.user
    rnd = selectors.round_in_reach(user=user, pk=pk)
    filters, errors = selectors.UntestedFilters.from_query(request.GET)
    page = request_page(request, selectors.untested_queryset(user=user, rnd=rnd, filters=filters))
    exempt = selectors.exemptions_by_resident(rnd, [p.pk for p in page.items])
    rows = [(p, exempt.get(p.pk)) for p in page.items]
    return render(request, "testing/untested.html", {
        "r": rnd, "coverage": selectors.coverage(user=user, rnd=rnd), "rows": rows, "page": page,
        **pager_urls(request, page), "filters": filters, "filter_errors": errors,
        "can_exempt": can(user, services.EXEMPT), "exemption_form": ExemptionForm(),
    })


@login_required
@not_found_as_404
def untested_export(request, pk: int):
    return export_or_job(request, kind="wangge.testing.exports.untested",
                         params={"round": str(pk), "building": request.GET.get("building", "")})


@login_required
@require_POST
@not_found_as_404
def exempt(request, pk: int):
    form = ExemptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写完整"))
    else:
        try:
            services.exemption_add(actor=Actor.from_request(request), round_id=pk, **form.cleaned_data)
        except DomainError as exc:
            if exc.http_status in (403, 404):
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记"))
    return redirect("testing:untested", pk)


@login_required
@require_POST
@not_found_as_404
def results_import(request, pk: int):
    rnd = selectors.round_in_reach(user=request.user, pk=pk)
    if not can(request.user, services.RESULT):
        return forbidden(request, refusal(services.RESULT))
    form = ResultFileForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        suffix = suffix if suffix in (".xlsx", ".xls", ".xlsm", ".csv") else ".bin"
        with tempfile.NamedTemporaryFile(suffix=suffix) as f:
            for chunk in upload.chunks():
                f.write(chunk)
            f.flush()
            report = services.results_import(actor=Actor.from_request(request), lab=form.cleaned_data["lab"],
                                             path=f.name)
    return render(request, "testing/results_report.html", {"r": rnd, "form": form, "report": report})


@login_required
@not_found_as_404
def recall(request, pk: int):
    """The recall list of a positive pool: its members, where to retest them, whose grid."""
    tube = selectors.tube_in_reach(user=request.user, pk=pk)
    page = request_page(request, selectors.task_queryset(user=request.user, tube=tube))
    return render(request, "testing/recall.html", {"tube": tube, "page": page, **pager_urls(request, page)})


@login_required
@not_found_as_404
def round_tasks(request, pk: int):
    rnd = selectors.round_in_reach(user=request.user, pk=pk)
    page = request_page(request, selectors.task_queryset(user=request.user, rnd=rnd))
    return render(request, "testing/tasks.html", {"r": rnd, "page": page, **pager_urls(request, page)})


@login_required
@not_found_as_404
def resident_history(request, resident_id: int):
    """A person's mass-testing samples with their tubes' results (linked from the resident page)."""
    resident, samples = selectors.resident_test_history(actor=Actor.from_request(request), pk=resident_id)
    return render(request, "testing/resident_history.html", {"resident": resident, "samples": samples})
