"""Pages that walk the grid: area > grid > building > unit.  Reads only, all scoped.  The last step,
a household and the people in it, is a people page (``people.views.household_detail``) that keeps
its place in the walk: ``/grid/household/<pk>/``, named ``grid:household``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wangge.core.lists import pager_urls, request_page
from wangge.core.views import not_found_as_404
from wangge.grid import selectors


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
