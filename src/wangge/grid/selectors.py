"""Reads of the grid hierarchy, always narrowed to the user's reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db.models import Case, Count, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.translation import gettext as _
from pydantic import Field

from wangge.core.codes import (
    DIVISION_LENGTHS,
    GRID_CODE_LENGTH,
    PREFIX_LENGTH,
    Level,
    ancestors,
    area_prefix,
    child_length,
    is_division_prefix,
    is_household_code,
    level_of,
    pad_division,
    prefix_at,
    significant_prefix,
)
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.filters import Filters, SearchText, Within
from wangge.core.inputs import CodeFilter, Id
from wangge.core.scoping import user_can_navigate, user_can_reach
from wangge.grid.models import Building, Division, Grid, GridAssignment, Household, Unit


def rollup_length(prefix: str) -> int:
    """Length of the child prefixes a table of ``prefix`` counts by: the next level, down to grids
    (a grid's table is its own row)."""
    return min(child_length(prefix) or GRID_CODE_LENGTH, GRID_CODE_LENGTH)


# --- Areas: the one way an area parameter becomes a prefix in reach ---------------------------


@dataclass
class Area:
    """An area a user may look at: its significant prefix ("" is the whole platform) and level."""

    prefix: str
    level: Level | None

    @cached_property
    def name(self) -> str:
        return area_names([self.prefix]).get(self.prefix, self.prefix or _("全部"))

    @property
    def child_length(self) -> int:
        return rollup_length(self.prefix)

    @property
    def has_children(self) -> bool:
        return len(self.prefix) < GRID_CODE_LENGTH

    @property
    def children_are_grids(self) -> bool:
        return self.child_length == GRID_CODE_LENGTH


def area_in_reach(
    *,
    user,
    code: str,
    inside: str = "",
    deepest: Level = Level.GRID,
    whole: bool = False,
    navigable: bool = True,
    existing: bool = False,
    invalid: ValidationFailed | None = None,
) -> Area:
    """The area named by ``code`` (an ``area``, ``within``, ``area_code`` or ``division_code``
    parameter), checked against ``user``'s reach.  Every such parameter goes through here.

    ``code`` is a 12-digit division code (cut at its level) or a significant prefix down to
    ``deepest`` (``whole``: only a whole division or grid code; see ``codes.area_prefix``).  An
    empty code is the top of the user's reach.  ``inside``: the area must also lie in this prefix
    (a campaign's area).  ``navigable``: in reach or on the way down to it, for pages that read
    (what they count is still narrowed to the reach); False: in reach, for writes.  ``existing``:
    the division or grid must exist.

    A malformed code raises ``invalid`` when given (a typed field: the form's ValidationFailed,
    an empty code included), else NotFound: a link with a malformed area names no area.  Every
    other refusal is NotFound, which says nothing of what lies outside the reach.
    """
    from wangge.accounts.services import common_prefix

    code = (code or "").strip()
    if not code and invalid is not None:
        raise invalid
    if code:
        try:
            prefix = area_prefix(code, deepest=deepest, whole=whole)
        except ValueError:
            if invalid is not None:
                raise invalid from None
            raise NotFound(_("未找到该区域")) from None
    else:
        prefix = common_prefix(user)
    in_reach = user_can_navigate if navigable else user_can_reach
    if (
        not user.scope_prefixes or not prefix.startswith(inside) or not in_reach(user, prefix)
        or (existing and not _area_exists(prefix))
    ):
        raise NotFound(_("未找到该区域，或不在您的管辖范围内"))
    return Area(prefix, level_of(prefix))


def _area_exists(prefix: str) -> bool:
    if is_division_prefix(prefix):
        return Division.objects.filter(grid_code=prefix).exists()
    return Grid.objects.filter(code=prefix).exists()


def area_names(prefixes) -> dict[str, str]:
    """Names of areas by their prefix, at every level (names are not personal data; not scoped):
    divisions and grids by name, buildings and units by name, households by door number."""
    by_length: dict[int, list[str]] = {}
    for p in set(prefixes):
        if p:
            by_length.setdefault(len(p), []).append(p)
    names: dict[str, str] = {}
    divisions = [p for n, ps in by_length.items() if n in DIVISION_LENGTHS for p in ps]
    if divisions:
        names.update(Division.objects.filter(grid_code__in=divisions).values_list("grid_code", "name"))
    for level, model, label in (
        (Level.GRID, Grid, "name"), (Level.BUILDING, Building, "name"), (Level.UNIT, Unit, "name"),
        (Level.HOUSEHOLD, Household, "door_number"),
    ):
        codes = by_length.get(PREFIX_LENGTH[level])
        if codes:
            names.update(model.objects.filter(code__in=codes).values_list("code", label))
    return names


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
    child_len = rollup_length(prefix)
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
    level = level_of(prefix)
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
    area_in_reach(user=user, code=code, deepest=Level.COMMUNITY)
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NotFound(_("未找到该区域"))
    return division


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
    prefix = significant_prefix(code)
    path = [*ancestors(prefix), prefix]
    crumbs_by_prefix: dict[str, tuple[str, str]] = {}  # prefix -> (name, url)
    division_codes = [pad_division(p) for p in path if is_division_prefix(p)]
    for division in Division.objects.filter(code__in=division_codes).only("code", "grid_code", "name"):
        crumbs_by_prefix[division.grid_code] = (division.name, reverse("grid:area", args=[division.code]))
    for level, model, view, label in (
        (Level.GRID, Grid, "grid:grid", "name"),
        (Level.BUILDING, Building, "grid:building", "name"),
        (Level.UNIT, Unit, "grid:unit", "name"),
        (Level.HOUSEHOLD, Household, "grid:household", "door_number"),
    ):
        if len(prefix) < PREFIX_LENGTH[level]:
            break
        at = prefix_at(prefix, level)
        obj = model.objects.filter(code=at).values("id", label).first()
        if obj is not None:
            arg = at if level == Level.GRID else obj["id"]  # a grid's page is by code, the others by id
            crumbs_by_prefix[at] = (obj[label], reverse(view, args=[arg]))
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


def grid_buildings(*, user, grid: Grid) -> QuerySet[Building]:
    """A grid's buildings with their unit, household and resident counts (from household counters),
    in code order ending in id (a keyset order)."""
    return (
        Building.objects.restrict(user)
        .filter(grid=grid)
        .annotate(
            unit_total=Count("units", distinct=True),
            household_total=Count("units__households", distinct=True),
            resident_total=Sum("units__households__resident_count"),
        )
        .order_by("code", "id")
    )


def building_in_reach(*, user, pk: int):
    building = Building.objects.restrict(user).select_related("grid").filter(pk=pk).first()
    if building is None:
        raise NotFound(_("未找到该楼栋，或不在您的管辖范围内"))
    return building


def building_units(*, user, building) -> QuerySet[Unit]:
    return (
        Unit.objects.restrict(user)
        .filter(building=building)
        .annotate(household_total=Count("households"), resident_total=Sum("households__resident_count"))
        .order_by("code", "id")
    )


def unit_in_reach(*, user, pk: int):
    unit = Unit.objects.restrict(user).select_related("building__grid").filter(pk=pk).first()
    if unit is None:
        raise NotFound(_("未找到该单元，或不在您的管辖范围内"))
    return unit


def unit_households(*, user, unit) -> QuerySet[Household]:
    return Household.objects.restrict(user).filter(unit=unit).order_by("code", "id")


def household_in_reach(*, user, pk: int) -> Household:
    """A household in the user's reach (with its unit, building and grid), or NotFound."""
    try:
        household = Household.objects.restrict(user).select_related("unit__building__grid").filter(pk=pk).first()
    except (ValueError, TypeError):
        household = None
    if household is None:
        raise NotFound(_("未找到该户，或不在您的管辖范围内"))
    return household


def household_by_code(*, user, code: str):
    """A household in reach by its 24-digit code: how a worker names the target of a move."""
    code = (code or "").strip()
    household = None
    if is_household_code(code):
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
    return [prefix[:n] for n in DIVISION_LENGTHS if n <= len(prefix)]


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


class AreaFilters(Filters):
    """``GET /areas``: the divisions of one level, or the children of one division."""

    level: int | None = Field(None, ge=1, le=5, description="1 省, 2 市, 3 区县, 4 街道, 5 社区")
    parent: CodeFilter = ""  # 12-digit code of the parent division


class GridFilters(Filters):
    """``GET /grids``."""

    within: Within = ""  # a division or grid code: only grids in its subtree


class BuildingFilters(Filters):
    """``GET /buildings``."""

    grid: CodeFilter = ""  # 15-digit grid code


class HouseholdFilters(Filters):
    """``GET /households``."""

    grid: CodeFilter = ""  # 15-digit grid code
    building: Id | None = None  # building id
    unit: Id | None = None  # unit id


def area_list(*, user, filters: AreaFilters | None = None) -> list[AreaEntry]:
    """Divisions inside the user's reach or above it (navigable, as in ``division_in_reach``),
    each with the counts of the grids the user may see."""
    filters = filters or AreaFilters()
    prefixes = user.scope_prefixes
    if not prefixes:
        return []
    above = {a for p in prefixes for a in _division_prefixes_above(p)}
    qs = Division.objects.filter(pk__in=Division.objects.restrict(user).values("pk")) | Division.objects.filter(
        grid_code__in=above
    )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    divisions = list(qs.select_related("parent").order_by("code"))
    totals = _visible_counts(user=user, lengths={len(d.grid_code) for d in divisions})
    return [AreaEntry(d, totals.get(d.grid_code, AreaCounts())) for d in divisions]


def division_ancestors(division: Division) -> list[Division]:
    """The divisions above ``division``, top first (names only: counts are never taken from them)."""
    return list(
        Division.objects.filter(grid_code__in=_division_prefixes_above(division.grid_code)[:-1]).order_by("code")
    )


def grid_queryset(*, user, filters: GridFilters | None = None):
    """Grids in reach, optionally in the subtree of ``filters.within``, in keyset order (grid_code, id)."""
    filters = filters or GridFilters()
    qs = Grid.objects.restrict(user).select_related("community")
    if filters.within:
        qs = qs.within(filters.within)
    return qs.order_by("grid_code", "id")


def building_queryset(*, user, filters: BuildingFilters | None = None):
    """Buildings in reach, optionally of one grid, in keyset order (grid_code, id)."""
    filters = filters or BuildingFilters()
    qs = Building.objects.restrict(user).select_related("grid")
    if filters.grid:
        qs = qs.filter(grid_code=filters.grid)
    return qs.order_by("grid_code", "id")


def household_queryset(*, user, filters: HouseholdFilters | None = None):
    """Households in reach, narrowed by grid, building or unit, in keyset order (grid_code, id)."""
    filters = filters or HouseholdFilters()
    qs = Household.objects.restrict(user).select_related("unit__building")
    if filters.grid:
        qs = qs.filter(grid_code=filters.grid)
    if filters.building:
        qs = qs.filter(unit__building_id=filters.building)
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
    return qs.order_by("grid_code", "id")


class HouseholdSearchFilters(Filters):
    """Finding the household to register someone in: its code (or a prefix), door number or address."""

    q: SearchText = ""


def household_search(*, user, filters: HouseholdSearchFilters) -> QuerySet[Household]:
    """Households in reach matching ``filters.q``, in keyset order (grid_code, id); none without a query."""
    qs = Household.objects.restrict(user).select_related("unit__building")
    q = filters.q
    if not q:
        return qs.none().order_by("grid_code", "id")
    match = Q(code__startswith=q) if q.isdigit() else Q(door_number=q) | Q(address__contains=q)
    qs = qs.filter(match)
    return qs.order_by("grid_code", "id")


# --- Compounds (小区) ----------------------------------------------------------------------------

COMPOUND_COUNTS_SECONDS = 300


def compound_key(grid_code: str, compound: str) -> tuple[str, str]:
    """A compound is (community code, compound name); a building without one counts as its grid."""
    return (prefix_at(grid_code, Level.COMMUNITY), compound or f"#{grid_code}")


def compound_counts(*, user, prefix: str, child_len: int) -> dict[str, tuple[int, int]]:
    """Compounds and communities in reach under ``prefix``, by child area of ``child_len`` digits,
    for a child area no longer than a community's code (every compound and community then lies in
    exactly one child area).

    Counting them reads every building (a 10,000,000-resident city has 77,000 buildings in 14,000
    compounds: 0.1-0.3 s), and the registry seldom changes, so the counts are cached for five minutes
    and recounted at once when a building is added (the key carries the newest building's id).
    """
    assert child_len <= PREFIX_LENGTH[Level.COMMUNITY]
    newest = Building.objects.aggregate(n=Max("id"))["n"] or 0
    key = "grid:compounds:" + ":".join([
        ",".join(sorted(user.scope_prefixes)), str(user.may("grid.view")), prefix, str(child_len), str(newest),
    ])
    counts = cache.get(key)
    if counts is None:
        triples = (
            Building.objects.restrict(user).within(prefix).order_by()
            .annotate(
                _community=Substr("grid_code", 1, PREFIX_LENGTH[Level.COMMUNITY]),
                _compound=Case(When(compound="", then=Concat(Value("#"), "grid_code")), default="compound"),
            )
            .values_list("_community", "_compound").distinct()
        )
        compounds: dict[str, int] = {}
        communities: dict[str, set[str]] = {}
        for community, _compound in triples:
            child = community[:child_len]
            compounds[child] = compounds.get(child, 0) + 1
            communities.setdefault(child, set()).add(community)
        counts = {child: (n, len(communities[child])) for child, n in compounds.items()}
        cache.set(key, counts, COMPOUND_COUNTS_SECONDS)
    return counts
