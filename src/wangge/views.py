"""Project-level pages that sit above every app (the command views)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from wangge.core.codes import GRID_CODE_LENGTH, Level, pad_division
from wangge.core.views import not_found_as_404
from wangge.grid.models import Building, Grid
from wangge.grid.selectors import area_in_reach, area_names, area_overview
from wangge.health.models import FOUR_CATEGORIES, EpidemicStatus, PersonStatus
from wangge.health.selectors import four_category_table
from wangge.screening.selectors import CampaignFilters, campaigns_for, coverage


@login_required
def home(request):
    if not request.user.may("grid.view"):  # residents: their own records, through self-service
        return render(request, "core/resident_home.html")
    overview = area_overview(user=request.user)
    if overview is None:
        return render(request, "core/no_scope.html")
    if len(overview.roots) == 1:
        return redirect(overview.roots[0].url)
    return render(request, "core/home.html", {"overview": overview})


# --- The area map: the registry's boundaries coloured by a figure of the epidemic apps ----------
# The grid app draws nothing of health or screening (it sits below them), so the map's data is a
# command view: it reads the grid's polygons and asks each app's own selector for its figure.

MAP_FIGURES = ("cases", "coverage", "residents")


def _ring_center(geometry: dict) -> list[float] | None:
    """The centre of a geometry's bounding box, [lat, lng]: where its label sits."""
    points = []

    def collect(c):
        if c and isinstance(c[0], (int, float)):
            points.append(c)
        else:
            for x in c or []:
                collect(x)

    collect((geometry or {}).get("coordinates"))
    if not points:
        return None
    lngs, lats = [p[0] for p in points], [p[1] for p in points]
    return [(min(lats) + max(lats)) / 2, (min(lngs) + max(lngs)) / 2]


def _polygons_of(geometry: dict | None) -> list:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _running_campaign(*, user, prefix: str, today):
    """The campaign running today that covers ``prefix`` (the narrowest), or one inside it."""
    running = list(campaigns_for(user=user, filters=CampaignFilters(on_date=today)))
    over = [c for c in running if prefix.startswith(c.grid_code)]
    if over:
        return max(over, key=lambda c: len(c.grid_code))
    inside = [c for c in running if c.grid_code.startswith(prefix)]
    return inside[0] if inside else None


def _case_figures(*, user, area) -> dict[str, int]:
    table = four_category_table(user=user, area=area)
    return {r.prefix: sum(r.figures[c].current for c in FOUR_CATEGORIES) for r in table.rows}


def _coverage_figures(*, user, prefix: str, today) -> tuple[object, dict[str, int]]:
    campaign = _running_campaign(user=user, prefix=prefix, today=today)
    if campaign is None:
        return None, {}
    cov = coverage(user=user, campaign=campaign, prefix=prefix, date=today)
    return campaign, {c.prefix: c.household_percent for c in cov.children if c.households_total}


def _building_features(*, user, grid) -> list[dict]:
    """A grid's located buildings as points, with the worst status of the people living there:
    "case" (confirmed or suspected), "monitored" (fever, close or secondary contact) or "clear"."""
    statuses: dict[int, str] = {}
    rows = (
        PersonStatus.objects.restrict(user)
        .filter(grid_code=grid.code)
        .values_list("resident__household__unit__building_id", "status")
    )
    cases = {EpidemicStatus.CONFIRMED, EpidemicStatus.SUSPECTED}
    monitored = {EpidemicStatus.FEVER, EpidemicStatus.CLOSE_CONTACT, EpidemicStatus.SECONDARY_CONTACT}
    for building_id, status in rows:
        if status in cases:
            statuses[building_id] = "case"
        elif status in monitored and statuses.get(building_id) != "case":
            statuses[building_id] = "monitored"
    buildings = (
        Building.objects.restrict(user)
        .filter(grid=grid, lat__isnull=False, lng__isnull=False)
        .order_by("code", "id")
        .values("id", "code", "name", "lat", "lng")
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [b["lng"], b["lat"]]},
            "properties": {
                "kind": "building",
                "code": b["code"],
                "name": b["name"],
                "status": statuses.get(b["id"], "clear"),
                "url": reverse("grid:building", args=[b["id"]]),
            },
        }
        for b in buildings
    ]


def map_features(*, user, code: str, today=None) -> dict:
    """The map of ``code`` (a division or a grid the user may open) as a GeoJSON FeatureCollection.

    One feature per child area with a boundary (a grid's polygon; a division's is its grids'
    polygons together), each with its figures: ``cases`` (people in the four categories now),
    ``coverage`` (percent of households covered today by the running campaign, null without one)
    and ``residents``.  A grid's map is its own polygon and its buildings.  Only grids in the
    user's reach are read, so nothing outside it is drawn or counted.
    """
    today = today or timezone.localdate()
    area = area_in_reach(user=user, code=code, deepest=Level.GRID, whole=True, existing=True)
    prefix = area.prefix
    child_len = area.child_length if area.has_children else GRID_CODE_LENGTH
    grids = (
        Grid.objects.restrict(user).within(prefix).order_by("code").only("code", "name", "polygon", "resident_count")
    )
    children: dict[str, dict] = {}
    for g in grids:
        child = children.setdefault(g.code[:child_len], {"polygons": [], "residents": 0})
        child["polygons"].extend(_polygons_of(g.polygon))
        child["residents"] += g.resident_count
    cases = _case_figures(user=user, area=area)
    campaign, covered = _coverage_figures(user=user, prefix=prefix, today=today)
    names = area_names(list(children))
    features = []
    for key, child in children.items():
        if not child["polygons"]:
            continue  # a grid without a drawn boundary has no place on the map
        polygons = child["polygons"]
        geometry = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        is_grid = len(key) == GRID_CODE_LENGTH
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "kind": "grid" if is_grid else "division",
                    "code": key,
                    "name": names.get(key, key),
                    "label_at": _ring_center(geometry),
                    "url": reverse("grid:grid", args=[key])
                    if is_grid
                    else reverse("grid:area", args=[pad_division(key)]),
                    "figures": {
                        "cases": cases.get(key, 0),
                        "coverage": covered.get(key, 0) if campaign is not None else None,
                        "residents": child["residents"],
                    },
                },
            }
        )
    if not area.has_children and grids:
        features.extend(_building_features(user=user, grid=grids[0]))
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"code": prefix, "campaign": campaign.name if campaign else None},
    }


@login_required
@not_found_as_404
def map_data(request, code: str):
    """GET: the map of an area as GeoJSON, for the map on the area and grid pages."""
    if not request.user.may("grid.view"):
        raise Http404
    return JsonResponse(map_features(user=request.user, code=code), json_dumps_params={"ensure_ascii": False})
