"""Reads of the grid hierarchy, always narrowed to the user's reach."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.core.codes import LEVEL_BY_LENGTH, PREFIX_LENGTH, Level, ancestors, pad_division, significant_prefix
from wangge.core.errors import NotFound
from wangge.core.scoping import user_can_navigate, user_can_reach
from wangge.grid.models import Building, Division, Grid, GridAssignment, Household, Unit

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
        raise NotFound(_("未找到该区域")) from None
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NotFound(_("未找到该区域"))
    if user_can_navigate(user, prefix):
        return division
    raise NotFound(_("未找到该区域，或不在您的管辖范围内"))


# --- Pages: breadcrumb, children and the levels below a grid --------------------------------


@dataclass
class Crumb:
    name: str
    url: str | None  # None: above the user's reach, shown as plain text


def breadcrumb(*, user, code: str) -> list[Crumb]:
    """City > district > street > community > grid > building > unit > household down to ``code``.

    Levels above the user's reach are named but not linked: the path then reads from where the
    user starts, and no page outside their reach is one click away.
    """
    prefix = significant_prefix(code) if len(code) == 12 else code
    path = [*ancestors(prefix), prefix]
    crumbs_by_prefix: dict[str, tuple[str, str]] = {}  # prefix -> (name, url)
    division_codes = [pad_division(p) for p in path if len(p) <= 12]
    for division in Division.objects.filter(code__in=division_codes).only("code", "grid_code", "name"):
        crumbs_by_prefix[division.grid_code] = (division.name, reverse("grid:area", args=[division.code]))
    for length, model, view, label in (
        (15, Grid, "grid:grid", "name"),
        (18, Building, "grid:building", "name"),
        (20, Unit, "grid:unit", "name"),
        (24, Household, "grid:household", "door_number"),
    ):
        if len(prefix) < length:
            break
        obj = model.objects.filter(code=prefix[:length]).values("id", label).first()
        if obj is not None:
            arg = prefix[:length] if length == 15 else obj["id"]
            crumbs_by_prefix[prefix[:length]] = (obj[label], reverse(view, args=[arg]))
    return [
        Crumb(name, url if user_can_reach(user, p) else None)
        for p in path
        if p in crumbs_by_prefix
        for name, url in [crumbs_by_prefix[p]]
    ]


def area_children(*, user, division: Division) -> list[AreaNode]:
    """The children of ``division`` on the user's way (or inside their reach), with counts.

    A community's children are its grids.  Counts come from ``counts_by_child`` and so only
    ever include grids in reach.
    """
    prefix = division.grid_code
    counts = counts_by_child(user=user, prefix=prefix)
    if division.level == Level.COMMUNITY:
        nodes = [
            AreaNode(g.code, g.name, Level.GRID, counts.get(g.code, AreaCounts()))
            for g in Grid.objects.restrict(user).filter(community=division).order_by("code").only("code", "name")
        ]
        return nodes
    nodes = []
    for child in division.children.order_by("code"):
        p = child.grid_code
        on_way = user_can_navigate(user, p)
        if on_way:
            nodes.append(AreaNode(p, child.name, Level(child.level), counts.get(p, AreaCounts())))
    return nodes


def grid_in_reach(*, user, code: str) -> Grid:
    grid = Grid.objects.restrict(user).select_related("community").filter(code=code).first()
    if grid is None:
        raise NotFound(_("未找到该网格，或不在您的管辖范围内"))
    return grid


def grid_assignments(*, user, grid: Grid):
    return list(
        GridAssignment.objects.restrict(user).filter(grid=grid).select_related("building").order_by("duty", "id")
    )


def grid_buildings(*, user, grid: Grid):
    """A grid's buildings with their unit, household and resident counts (from household counters)."""
    return list(
        Building.objects.restrict(user)
        .filter(grid=grid)
        .annotate(
            unit_total=Count("units", distinct=True),
            household_total=Count("units__households", distinct=True),
            resident_total=Sum("units__households__resident_count"),
        )
        .order_by("code")
    )


def building_in_reach(*, user, pk: int):
    building = Building.objects.restrict(user).select_related("grid").filter(pk=pk).first()
    if building is None:
        raise NotFound(_("未找到该楼栋，或不在您的管辖范围内"))
    return building


def building_units(*, user, building):
    return list(
        Unit.objects.restrict(user)
        .filter(building=building)
        .annotate(household_total=Count("households"), resident_total=Sum("households__resident_count"))
        .order_by("code")
    )


def unit_in_reach(*, user, pk: int):
    unit = Unit.objects.restrict(user).select_related("building__grid").filter(pk=pk).first()
    if unit is None:
        raise NotFound(_("未找到该单元，或不在您的管辖范围内"))
    return unit


def unit_households(*, user, unit):
    return list(Household.objects.restrict(user).filter(unit=unit).order_by("code"))


def household_in_reach(*, user, pk: int):
    household = Household.objects.restrict(user).select_related("unit__building__grid").filter(pk=pk).first()
    if household is None:
        raise NotFound(_("未找到该户，或不在您的管辖范围内"))
    return household


def household_by_code(*, user, code: str):
    """A household in reach by its 24-digit code: how a worker names the target of a move."""
    code = (code or "").strip()
    household = None
    if len(code) == PREFIX_LENGTH[Level.HOUSEHOLD] and code.isdigit():
        household = Household.objects.restrict(user).filter(code=code).first()
    if household is None:
        raise NotFound(_("未找到该户，或不在您的管辖范围内"))
    return household


# --- Reads for the integration API (/api/v1/) -------------------------------------------------
# Lists of divisions, grids, buildings and households in keyset order (grid_code, id); every one
# starts from ``.restrict(user)``.  Details reuse the page selectors above.


@dataclass
class AreaEntry:
    division: Division
    counts: AreaCounts


def _division_prefixes_above(prefix: str) -> list[str]:
    """Division prefixes on the way down to ``prefix`` (including it, when it is a division)."""
    return [prefix[:n] for n in (2, 4, 6, 9, 12) if n <= len(prefix)]


def _visible_counts(*, user, lengths: set[int]) -> dict[str, AreaCounts]:
    """Visible grid totals for every division prefix of the given lengths: one grouped query a level."""
    totals: dict[str, AreaCounts] = {}
    for length in sorted(lengths):
        rows = (
            Grid.objects.restrict(user)
            .annotate(area=Substr("code", 1, length))
            .values("area")
            .annotate(
                grids=Count("id"),
                buildings=Sum("building_count"),
                households=Sum("household_count"),
                residents=Sum("resident_count"),
            )
        )
        for r in rows:
            totals[r["area"]] = AreaCounts(r["grids"], r["buildings"] or 0, r["households"] or 0, r["residents"] or 0)
    return totals


def area_list(*, user, level: int | None = None, parent_code: str = "") -> list[AreaEntry]:
    """Divisions inside the user's reach or above it (navigable, as in ``division_in_reach``),
    each with the counts of the grids the user may see."""
    prefixes = user.scope_prefixes
    if not prefixes:
        return []
    above = {a for p in prefixes for a in _division_prefixes_above(p)}
    qs = Division.objects.filter(pk__in=Division.objects.restrict(user).values("pk")) | Division.objects.filter(
        grid_code__in=above
    )
    if level:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    divisions = list(qs.select_related("parent").order_by("code"))
    totals = _visible_counts(user=user, lengths={len(d.grid_code) for d in divisions})
    return [AreaEntry(d, totals.get(d.grid_code, AreaCounts())) for d in divisions]


def division_ancestors(division: Division) -> list[Division]:
    """The divisions above ``division``, top first (names only: counts are never taken from them)."""
    return list(
        Division.objects.filter(grid_code__in=_division_prefixes_above(division.grid_code)[:-1]).order_by("code")
    )


def grid_queryset(*, user, within: str = ""):
    """Grids in reach, optionally in the subtree of ``within``, in keyset order (grid_code, id)."""
    qs = Grid.objects.restrict(user).select_related("community")
    if within:
        qs = qs.within(within)
    return qs.order_by("grid_code", "id")


def building_queryset(*, user, grid_code: str = ""):
    """Buildings in reach, optionally of one grid, in keyset order (grid_code, id)."""
    qs = Building.objects.restrict(user).select_related("grid")
    if grid_code:
        qs = qs.filter(grid_code=grid_code)
    return qs.order_by("grid_code", "id")


def household_queryset(*, user, grid_code: str = "", building_id: int | None = None, unit_id: int | None = None):
    """Households in reach, narrowed by grid, building or unit, in keyset order (grid_code, id)."""
    qs = Household.objects.restrict(user).select_related("unit__building")
    if grid_code:
        qs = qs.filter(grid_code=grid_code)
    if building_id:
        qs = qs.filter(unit__building_id=building_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("grid_code", "id")
