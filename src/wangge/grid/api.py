"""API of the grid hierarchy: areas (divisions), grids, buildings, households.  Thin callers of
``grid.selectors``; every read is narrowed to the caller's reach and out-of-reach is 404.  A
household with its members is people's (``people.api.get_household``), under the same tag."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from wangge.core.api import READ_ERRORS, page_limit
from wangge.core.inputs import MAX_PAGE_SIZE, Id, PageSize
from wangge.core.lists import keyset_page
from wangge.grid import selectors
from wangge.grid.models import Division
from wangge.grid.schemas import (
    AreaDetailOut,
    AreaOut,
    BuildingDetailOut,
    BuildingPage,
    GridDetailOut,
    GridPage,
    HouseholdPage,
)

router = Router(tags=["网格"])

MAX_LIMIT = MAX_PAGE_SIZE


def counts(*, grids=0, buildings=0, households=0, residents=0) -> dict:
    return {"grids": grids, "buildings": buildings, "households": households, "residents": residents}


def area_out(division: Division, area_counts) -> dict:
    return {
        "code": division.code,
        "prefix": division.grid_code,
        "name": division.name,
        "level": division.level,
        "level_name": str(division.get_level_display()),
        "parent_code": division.parent.code if division.parent_id else None,
        "counts": vars(area_counts),
    }


def grid_out(grid) -> dict:
    return {
        "id": grid.pk,
        "code": grid.code,
        "name": grid.name,
        "community_code": grid.community.code,
        "counts": counts(
            grids=1, buildings=grid.building_count, households=grid.household_count, residents=grid.resident_count
        ),
    }


def household_out(household) -> dict:
    return {
        "id": household.pk,
        "code": household.code,
        "grid_code": household.grid_code,
        "building_id": household.unit.building_id,
        "unit_id": household.unit_id,
        "door_number": household.door_number,
        "address": household.address,
        "resident_count": household.resident_count,
    }


def keyset(qs, *, cursor: str, limit: int | None):

    return keyset_page(qs, cursor=cursor, limit=page_limit(limit))


AreaFilters = selectors.AreaFilters


@router.get(
    "/areas",
    response={200: list[AreaOut], **READ_ERRORS},
    summary="区划列表（管辖范围内及其上级，含计数）",
)
def list_areas(request: HttpRequest, filters: Query[AreaFilters]):
    entries = selectors.area_list(user=request.auth, filters=filters)
    return [area_out(e.division, e.counts) for e in entries]


@router.get(
    "/areas/{code}",
    response={200: AreaDetailOut, **READ_ERRORS},
    summary="区划详情（下级及计数）",
)
def get_area(request: HttpRequest, code: str):
    user = request.auth
    division = selectors.division_in_reach(user=user, code=code)
    out = area_out(division, selectors.area_totals(user=user, prefix=division.grid_code))
    out["ancestors"] = [
        {"code": a.code, "name": a.name, "level": a.level} for a in selectors.division_ancestors(division)
    ]
    children = selectors.area_children(user=user, division=division)
    if division.level == Division.Kind.COMMUNITY:
        in_community = selectors.GridFilters(within=division.grid_code)
        grids = {g.code: g for g in selectors.grid_queryset(user=user, filters=in_community)}
        out["children"] = []
        out["grids"] = [grid_out(grids[node.prefix]) for node in children if node.prefix in grids]
    else:
        by_prefix = {d.grid_code: d for d in Division.objects.filter(parent=division).select_related("parent")}
        out["children"] = [area_out(by_prefix[node.prefix], node.counts) for node in children]
        out["grids"] = []
    return out


class GridFilters(selectors.GridFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get(
    "/grids",
    response={200: GridPage, **READ_ERRORS},
    summary="网格列表（游标分页）",
)
def list_grids(request: HttpRequest, filters: Query[GridFilters]):
    qs = selectors.grid_queryset(user=request.auth, filters=filters)
    page = keyset(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [grid_out(g) for g in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/grids/{code}",
    response={200: GridDetailOut, **READ_ERRORS},
    summary="网格详情（边界、责任人、计数）",
)
def get_grid(request: HttpRequest, code: str):
    grid = selectors.grid_in_reach(user=request.auth, code=code)
    out = grid_out(grid)
    out["polygon"] = grid.polygon
    out["assignments"] = [
        {"duty": a.duty, "duty_name": str(a.get_duty_display()), "name": a.name, "phone": a.phone,
         "building_id": a.building_id}
        for a in selectors.grid_assignments(user=request.auth, grid=grid)
    ]
    return out


class BuildingFilters(selectors.BuildingFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get(
    "/buildings",
    response={200: BuildingPage, **READ_ERRORS},
    summary="楼栋列表（游标分页）",
)
def list_buildings(request: HttpRequest, filters: Query[BuildingFilters]):
    qs = selectors.building_queryset(user=request.auth, filters=filters)
    page = keyset(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/buildings/{building_id}",
    response={200: BuildingDetailOut, **READ_ERRORS},
    summary="楼栋详情（单元及户数）",
)
def get_building(request: HttpRequest, building_id: Id):
    building = selectors.building_in_reach(user=request.auth, pk=building_id)
    units = selectors.building_units(user=request.auth, building=building)
    out = {f: getattr(building, f) for f in ("id", "code", "name", "grid_code", "address", "lat", "lng", "floors")}
    out["units"] = [{"id": u.pk, "code": u.code, "name": u.name, "household_count": u.household_total} for u in units]
    return out


class HouseholdFilters(selectors.HouseholdFilters):
    cursor: str = ""
    limit: PageSize = None


@router.get(
    "/households",
    response={200: HouseholdPage, **READ_ERRORS},
    summary="户列表（游标分页）",
)
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]):
    qs = selectors.household_queryset(user=request.auth, filters=filters)
    page = keyset(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [household_out(h) for h in page.items], "next_cursor": page.next_cursor}
