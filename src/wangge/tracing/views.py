"""Investigation pages: the list (open first) and the detail with trajectory, map and contacts,
with forms to add trajectory entries and several contacts at once (picked with the person picker,
or the case's household in one tap).  Thin over services/selectors."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.permissions import can, require
from wangge.accounts.services import common_prefix
from wangge.audit.context import Actor
from wangge.core.errors import DomainError, Forbidden, NotFound
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import flash_outcome, not_found_as_404
from wangge.exports.audited import audited_export
from wangge.people.selectors import resident_queryset
from wangge.quarantine import selectors as quarantine_selectors
from wangge.tracing import selectors, services
from wangge.tracing.forms import CloseForm, ContactBatchForm, ExposureContactForm, TrajectoryForm


@login_required
def investigation_list(request):
    filters, errors = selectors.InvestigationFilters.from_query(request.GET)
    qs = selectors.investigation_queryset(user=request.user, filters=filters)
    page = request_page(request, qs)
    return render(request, "tracing/investigation_list.html", {
        "page": page, "status": filters.status, "filter_errors": selectors.InvestigationFilters.messages(errors),
        "total": selectors.investigation_count(user=request.user, filters=filters), **pager_urls(request, page),
    })


@login_required
def investigation_export(request):
    filters, _errors = selectors.InvestigationFilters.from_query(request.GET)
    qs = selectors.investigation_queryset(user=request.user, filters=filters)
    return audited_export(
        actor=Actor.from_request(request), object_type="tracing.investigation",
        grid_code=common_prefix(request.user), filters={"status": filters.status}, filename="流调名单.xlsx",
        headers=selectors.INVESTIGATION_EXPORT_HEADERS, rows=selectors.investigation_export_rows(qs),
    )


def _site_choices(user):
    sites = quarantine_selectors.site_occupancy(user=user)
    return [(s.site.pk, f"{s.site.name}（{_('空余')} {s.free}）") for s in sites]


def _pick_config(user, investigation, points: list[dict]) -> dict:
    """What the trajectory picker's map reads (tracing/trajectory_pick.js): the tiles, the case's
    grid from the registry (its boundary and buildings, ``core:map_data``) when the user may see
    the grid, where to start, the points already entered, and its words."""
    building = investigation.case.household.unit.building if investigation.case.household_id else None
    center = [building.lat, building.lng] if building and building.lat is not None and building.lng is not None \
        else None
    return {
        "tile_url": settings.WANGGE_MAP_TILE_URL,
        "areas_url": reverse("core:map_data", args=[investigation.grid_code]) if can(user, "grid.view") else "",
        "center": center,
        "points": points,
        "words": {
            "picked": _("已选位置：纬度 %(lat)s，经度 %(lng)s"),
            "none": _("尚未选定位置：在地图上点一下，或搜索登记的楼栋"),
            "picked_building": _("已选：%(place)s"),
            "marker": _("轨迹点（可拖动）"),
        },
    }


def _detail(request, investigation, *, trajectory_form=None, batch_form=None, picked=(), status=200):
    user = request.user
    entries = selectors.trajectory(investigation)
    rows = selectors.contact_rows(user=user, investigation=investigation)
    points = selectors.map_points(entries)
    can_add_trajectory = can(user, "tracing.trajectory.add")
    context = {
        "investigation": investigation,
        "entries": entries,
        "map_data": {"points": points, "tile_url": settings.WANGGE_MAP_TILE_URL},
        "pick_config": _pick_config(user, investigation, points) if can_add_trajectory else None,
        "rows": rows,
        "loop": selectors.loop_summary(rows),
        "can_trace": can(user, "tracing.contacts.add"),
        "can_close": can(user, "tracing.investigation.close"),
        "can_add_trajectory": can_add_trajectory,
        "trajectory_form": trajectory_form or TrajectoryForm(),
        "batch_form": batch_form or ContactBatchForm(initial={"regime_code": "7+3", "place": "home"},
                                                     site_choices=_site_choices(user)),
        "picked": picked,
        "case_has_household": bool(investigation.case.household_id),
        "close_form": CloseForm(),
    }
    return render(request, "tracing/investigation_detail.html", context, status=status)


@login_required
@not_found_as_404
def investigation_detail(request, pk: int):
    investigation = selectors.investigation_detail(actor=Actor.from_request(request), pk=pk)
    return _detail(request, investigation)


@login_required
@require_POST
@not_found_as_404
def trajectory_add(request, pk: int):
    investigation = services.investigation_in_reach(user=request.user, pk=pk)
    form = TrajectoryForm(request.POST)
    if form.is_valid():
        try:
            services.trajectory_add(actor=Actor.from_request(request), investigation_id=pk, **form.cleaned_data)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("轨迹已添加"))
            return redirect("tracing:investigation_detail", pk=pk)
    return _detail(request, investigation, trajectory_form=form, status=422)


@login_required
@not_found_as_404
def place_search(request):
    """Registered buildings in reach for a trajectory point (htmx fragment of the trajectory form)."""
    require(request.user, "tracing.trajectory.add")
    q = request.GET.get("pq", "")
    matches = selectors.place_search(user=request.user, q=q)
    return render(request, "tracing/_place_results.html", {
        "places": matches.places, "more": matches.more, "q": q.strip(),
    })


def _picked_ids(request) -> list[int]:
    """The people picked with the person picker, in the order picked, each once."""
    ids = [int(i) for i in request.POST.getlist("resident_ids") if i.isdigit()]
    return list(dict.fromkeys(ids))


def _picked(request, ids: list[int]):
    """The picked people shown again on a form that comes back with an error (those in reach)."""
    found = {r.pk: r for r in resident_queryset(user=request.user).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def _contacts_added(request, pk: int, batch, add) -> HttpResponse | None:
    """Run ``add`` (a contacts service) with the batch's settings and answer the page."""
    try:
        added = add(actor=Actor.from_request(request), investigation_id=pk,
                    regime_code=batch.cleaned_data["regime_code"], place=batch.cleaned_data["place"],
                    site_id=batch.cleaned_data["site_id"])
    except Forbidden:
        raise
    except DomainError as exc:
        # Scope failures of a row are reported on the form too: nothing was written.
        messages.error(request, exc.message)
        return None
    messages.success(request, _("已登记接触者 %(n)d 人并下达隔离令") % {"n": len(added)})
    for contact in added:
        if contact.matched_by_id_number:
            messages.info(request, _("%(name)s 的证件号码已登记，已关联到现有居民记录") % {
                "name": contact.resident.name})
        if contact.already_quarantined:
            messages.info(request, _("%(name)s 已在隔离中，沿用现有隔离令") % {"name": contact.resident.name})
    return redirect("tracing:investigation_detail", pk=pk)


@login_required
@require_POST
@not_found_as_404
def contacts_add(request, pk: int):
    user = request.user
    investigation = services.investigation_in_reach(user=user, pk=pk)
    batch = ContactBatchForm(request.POST, site_choices=_site_choices(user))
    ids = _picked_ids(request)
    if batch.is_valid():
        kind, where = batch.cleaned_data["kind"], batch.cleaned_data["contact_place"]
        contacts = [{"resident_id": i, "kind": kind, "place": where} for i in ids]
        answer = _contacts_added(request, pk, batch, partial(services.contacts_add, contacts=contacts))
        if answer is not None:
            return answer
    return _detail(request, investigation, batch_form=batch, picked=_picked(request, ids), status=422)


@login_required
@require_POST
@not_found_as_404
def household_contacts_add(request, pk: int):
    """"Add the case's household members" in one tap, with the contact form's quarantine settings."""
    user = request.user
    investigation = services.investigation_in_reach(user=user, pk=pk)
    batch = ContactBatchForm(request.POST, site_choices=_site_choices(user))
    if batch.is_valid():
        answer = _contacts_added(request, pk, batch, services.household_contacts_add)
        if answer is not None:
            return answer
    return _detail(request, investigation, batch_form=batch, picked=_picked(request, _picked_ids(request)),
                   status=422)


@login_required
@require_POST
@not_found_as_404
def investigation_close(request, pk: int):
    services.investigation_in_reach(user=request.user, pk=pk)
    form = CloseForm(request.POST)
    flash_outcome(request, lambda: services.investigation_close(
        actor=Actor.from_request(request), investigation_id=pk, summary=form.data.get("summary", ""),
    ), success=_("流调已完成"))
    return redirect("tracing:investigation_detail", pk=pk)


def _exposure_page(request, investigation, *, form=None, status=200):
    user = request.user
    filters, errors = selectors.ExposureFilters.from_query(request.GET if request.method == "GET" else request.POST)
    report = selectors.investigation_exposures(
        actor=Actor.from_request(request), investigation=investigation, filters=filters
    )
    return render(
        request,
        "tracing/exposures.html",
        {
            "investigation": investigation,
            "report": report,
            "filters": filters,
            "filter_errors": selectors.ExposureFilters.messages(errors),
            "can_trace": can(user, "tracing.contacts.add") and investigation.status == "open",
            "form": form
            or ExposureContactForm(
                initial={"regime_code": "7+3", "place": "home", "kind": "secondary" if filters.via else "close"},
                site_choices=_site_choices(user),
            ),
        },
        status=status,
    )


@login_required
@not_found_as_404
def investigation_exposures(request, pk: int):
    """A case's likely exposures with the reason for each (``?days=``), or a second hop (``?via=``),
    to pick from and make contacts in one action."""
    investigation = services.investigation_in_reach(user=request.user, pk=pk)
    return _exposure_page(request, investigation)


@login_required
@require_POST
@not_found_as_404
def exposures_contacts(request, pk: int):
    user = request.user
    investigation = services.investigation_in_reach(user=user, pk=pk)
    form = ExposureContactForm(request.POST, site_choices=_site_choices(user))
    filters, _errors = selectors.ExposureFilters.from_query(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = services.exposures_to_contacts(
                actor=Actor.from_request(request),
                investigation_id=pk,
                resident_ids=_picked_ids(request),
                kind=data["kind"],
                regime_code=data["regime_code"],
                place=data["place"],
                site_id=data["site_id"],
                via_resident_id=filters.via,
                days=filters.days,
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记接触者 %(n)d 人并下达隔离令") % {"n": len(added)})
            return redirect("tracing:investigation_detail", pk=pk)
    return _exposure_page(request, investigation, form=form, status=422)


@login_required
@not_found_as_404
def investigation_chain(request, pk: int):
    """The transmission chain (传播链) of the cluster the investigation belongs to, as a graph."""
    investigation = services.investigation_in_reach(user=request.user, pk=pk)
    chain = selectors.transmission_chain(actor=Actor.from_request(request), investigation=investigation)
    names = {n["id"]: n["name"] for n in chain.nodes}
    links = [{"source": names[x["source"]], "target": names[x["target"]], "kind": x["kind"]} for x in chain.links]
    return render(
        request,
        "tracing/chain.html",
        {
            "investigation": investigation,
            "chain": chain,
            "links": links,
            "chart": {
                "nodes": chain.nodes,
                "links": chain.links,
                "categories": [str(_("病例")), str(_("确诊/疑似接触者")), str(_("接触者"))],
            },
        },
    )


@login_required
@not_found_as_404
def contacts_export(request, pk: int):
    """The investigation's tracing list (密接名单) as Excel: masked and audited."""
    investigation = services.investigation_in_reach(user=request.user, pk=pk)
    rows = selectors.contact_rows(user=request.user, investigation=investigation)
    return audited_export(
        actor=Actor.from_request(request),
        object_type="tracing.contact",
        grid_code=investigation.grid_code,
        filters={"investigation": investigation.pk},
        filename=_("密接名单") + ".xlsx",
        headers=selectors.CONTACT_EXPORT_HEADERS,
        rows=selectors.contact_export_rows(rows),
    )
