"""Reads of the grid hierarchy, always narrowed to the user's reach."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.urls import reverse

from wangge.core.codes import LEVEL_BY_LENGTH, Level, pad_division, significant_prefix
from wangge.core.errors import NotFound
from wangge.core.scoping import user_can_reach
from wangge.grid.models import Division, Grid

CHILD_PREFIX_LENGTH = {2: 4, 4: 6, 6: 9, 9: 12, 12: 15}


@dataclass
class AreaCounts:
    grids: int = 0
    buildings: int = 0
    households: int = 0
    residents: int = 0


@dataclass
class AreaNode:
    prefix: str
    name: str
    level: Level
    counts: AreaCounts = field(default_factory=AreaCounts)

    @property
    def url(self) -> str:
        if self.level == Level.GRID:
            return reverse("grid:grid", args=[self.prefix])
        return reverse("grid:area", args=[pad_division(self.prefix)])


@dataclass
class Overview:
    roots: list[AreaNode]


def counts_by_child(*, user, prefix: str) -> dict[str, AreaCounts]:
    """Grid, building, household and resident counts under ``prefix``, by child prefix.

    Sums the per-grid counters, so a city of ten million is a scan of its ~14,000 grids.
    """
    child_len = CHILD_PREFIX_LENGTH.get(len(prefix), 15)
    rows = (
        Grid.objects.restrict(user)
        .within(prefix)
        .annotate(child=Substr("code", 1, child_len))
        .values("child")
        .annotate(
            grids=Count("id"),
            buildings=Sum("building_count"),
            households=Sum("household_count"),
            residents=Sum("resident_count"),
        )
    )
    return {
        r["child"]: AreaCounts(r["grids"], r["buildings"] or 0, r["households"] or 0, r["residents"] or 0)
        for r in rows
    }


def area_totals(*, user, prefix: str) -> AreaCounts:
    agg = Grid.objects.restrict(user).within(prefix).aggregate(
        grids=Count("id"),
        buildings=Sum("building_count"),
        households=Sum("household_count"),
        residents=Sum("resident_count"),
    )
    return AreaCounts(agg["grids"] or 0, agg["buildings"] or 0, agg["households"] or 0, agg["residents"] or 0)


def node_for_prefix(prefix: str) -> AreaNode | None:
    level = LEVEL_BY_LENGTH.get(len(prefix))
    if level is None:
        return None
    if level == Level.GRID:
        grid = Grid.objects.filter(code=prefix).first()
        return AreaNode(prefix, grid.name, level) if grid else None
    division = Division.objects.filter(code=pad_division(prefix)).first()
    return AreaNode(prefix, division.name, level) if division else None


def area_overview(*, user) -> Overview | None:
    """The top of the user's reach: one node per scope grant, with totals."""
    prefixes = user.scope_prefixes
    if not prefixes:
        return None
    if prefixes == [""]:
        top = Division.objects.filter(parent__isnull=True).order_by("code")
        prefixes = [d.grid_code for d in top]
    roots = []
    for prefix in prefixes:
        node = node_for_prefix(prefix)
        if node is not None:
            node.counts = area_totals(user=user, prefix=prefix)
            roots.append(node)
    return Overview(roots=roots)


def division_in_reach(*, user, code: str) -> Division:
    """A division the user may open: inside their reach, or an ancestor on the way down to it.

    Ancestors are navigable (a grid worker's breadcrumb shows their street) but their counts
    only ever include what the user may see.
    """
    try:
        prefix = significant_prefix(code)
    except ValueError:
        raise NotFound("未找到该区域") from None
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NotFound("未找到该区域")
    if user_can_reach(user, prefix) or any(p.startswith(prefix) for p in user.scope_prefixes):
        return division
    raise NotFound("未找到该区域，或不在您的管辖范围内")
