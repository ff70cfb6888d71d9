"""Pages that walk the grid: area > grid > building > unit, all scoped, and 新增住户 on a unit.  The last step,
a household and the people in it, is a people page (``people.views.household_detail``) that keeps
its place in the walk: ``/grid/household/<pk>/``, named ``grid:household``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wangge.accounts.permissions import require
from wangge.audit.context import Actor
from wangge.core.errors import DomainError, NotFound
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import not_found_as_404
from wangge.grid import selectors, services
from wangge.grid.forms import HouseholdForm


def map_config(code: str) -> dict:
    """What the page's map script reads: where its GeoJSON comes from (``core:map_data``, a command
    view: the figures are the epidemic apps'), the optional tile server and the legend's words."""
    return {
        "data_url": reverse("core:map_data", args=[code]),
        "tile_url": settings.WANGGE_MAP_TILE_URL,
        "words": {
            "no_campaign": _("今日无进行中的排查"),
            "buildings": pgettext("plural", "楼栋"),
            "case": _("有确诊或疑似病例"),
            "monitored": _("有健康监测人员"),
            "clear": _("无异常"),
            "load_failed": _("地图数据加载失败"),
        },
    }


@login_required
@not_found_as_404
def area_detail(request, code: str):
    user = request.user
    division = selectors.division_in_reach(user=user, code=code)
    children = selectors.area_children(user=user, division=division)
    chart = {"names": [c.name for c in children], "residents": [c.counts.residents for c in children]}
    return render(request, "grid/area.html", {
        "division": division,
        "crumbs": selectors.breadcrumb(user=user, code=division.code),
        "totals": selectors.area_totals(user=user, prefix=division.grid_code),
        "children": children,
        "chart": chart,
        "map_config": map_config(division.code),
    })


@login_required
@not_found_as_404
def grid_detail(request, code: str):
    user = request.user
    grid = selectors.grid_in_reach(user=user, code=code)
    page = request_page(request, selectors.grid_buildings(user=user, grid=grid))
    return render(request, "grid/grid.html", {
        "grid": grid,
        "crumbs": selectors.breadcrumb(user=user, code=grid.code),
        "assignments": selectors.grid_assignments(user=user, grid=grid),
        "buildings": page.items,
        **pager_urls(request, page),
        "map_config": map_config(grid.code),
    })


@login_required
@not_found_as_404
def building_detail(request, pk: int):
    user = request.user
    building = selectors.building_in_reach(user=user, pk=pk)
    units = selectors.building_units(user=user, building=building)
    page = request_page(request, units)
    return render(request, "grid/building.html", {
        "building": building,
        "crumbs": selectors.breadcrumb(user=user, code=building.code),
        "units": page.items,
        "total": units.count(),
        **pager_urls(request, page),
    })


@login_required
@not_found_as_404
def unit_detail(request, pk: int):
    user = request.user
    unit = selectors.unit_in_reach(user=user, pk=pk)
    households = selectors.unit_households(user=user, unit=unit)
    page = request_page(request, households)
    return render(request, "grid/unit.html", {
        "unit": unit,
        "crumbs": selectors.breadcrumb(user=user, code=unit.code),
        "households": page.items,
        "total": households.count(),
        **pager_urls(request, page),
    })


@login_required
@not_found_as_404
def household_create(request, pk: int):
    """新增住户: a household behind a new door of the unit; then straight on to registering its people."""
    user = request.user
    unit = selectors.unit_in_reach(user=user, pk=pk)
    require(user, "grid.household.create")
    form = HouseholdForm(request.POST or None)
    context = {"form": form, "unit": unit, "crumbs": selectors.breadcrumb(user=user, code=unit.code), "error": ""}
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(actor=Actor.from_request(request), unit_id=unit.pk,
                                                  **form.cleaned_data)
        except NotFound:
            raise
        except DomainError as exc:
            form.add_domain_errors(exc.errors)
            context["error"] = exc.message
            return render(request, "grid/household_form.html", context, status=422)
        messages.success(request, _("已新增住户 %(door)s") % {"door": household.door_number})
        return redirect(reverse("people:resident_register") + "?" + urlencode({"household": household.pk}))
    if form.is_bound and form.errors:
        context["error"] = _("请检查表单中的错误")
    return render(request, "grid/household_form.html", context, status=422 if context["error"] else 200)
