"""Shapes of the grid hierarchy in the API: divisions (areas), grids, buildings, households."""

from __future__ import annotations

from ninja import Schema


class CountsOut(Schema):
    grids: int = 0
    buildings: int = 0
    households: int = 0
    residents: int = 0


class AreaOut(Schema):
    code: str  # 12-digit division code
    prefix: str  # its significant prefix: every code below it starts with this
    name: str
    level: int  # 2 市, 3 区县, 4 街道, 5 社区
    level_name: str
    parent_code: str | None = None
    counts: CountsOut  # only what the caller may see


class AreaRef(Schema):
    code: str
    name: str
    level: int


class GridOut(Schema):
    id: int
    code: str
    name: str
    community_code: str
    counts: CountsOut


class AreaDetailOut(AreaOut):
    ancestors: list[AreaRef]
    children: list[AreaOut]  # sub-divisions on the caller's way or in reach (empty for a community)
    grids: list[GridOut]  # a community's grids in reach


class AssignmentOut(Schema):
    duty: str
    duty_name: str
    name: str
    phone: str
    building_id: int | None = None


class GridDetailOut(GridOut):
    polygon: dict | None = None  # GeoJSON Polygon geometry, WGS84
    assignments: list[AssignmentOut]


class BuildingOut(Schema):
    id: int
    code: str
    name: str
    grid_code: str
    address: str
    lat: float | None = None
    lng: float | None = None
    floors: int | None = None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    household_count: int


class BuildingDetailOut(BuildingOut):
    units: list[UnitOut]


class HouseholdOut(Schema):
    id: int
    code: str
    grid_code: str
    building_id: int
    unit_id: int
    door_number: str
    address: str
    resident_count: int


class GridPage(Schema):
    items: list[GridOut]
    next_cursor: str | None = None


class BuildingPage(Schema):
    items: list[BuildingOut]
    next_cursor: str | None = None


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    next_cursor: str | None = None
