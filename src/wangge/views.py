"""Project-level pages that sit above every app (the command views)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import can, require
from wangge.alerts import selectors as alert_selectors
from wangge.core.codes import GRID_CODE_LENGTH, Level, pad_division
from wangge.core.datachecks import DataCheckFilters, data_check, data_checks
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import not_found_as_404
from wangge.grid.models import Building, Grid
from wangge.grid.selectors import area_in_reach, area_names, area_overview
from wangge.health import selectors as health_selectors
from wangge.health.models import FOUR_CATEGORIES, EpidemicStatus, PersonStatus
from wangge.health.selectors import four_category_table
from wangge.quarantine import selectors as quarantine_selectors
from wangge.screening import selectors as screening_selectors
from wangge.screening.selectors import CampaignFilters, campaigns_for, coverage
from wangge.transfer import selectors as transfer_selectors


@login_required
def home(request):
    """The landing page: the user's work today (today's screening, temperatures not yet reported,
    tests due, unread alerts, risk reports to check) and, for those who answer for the epidemic
    picture, today's four-category figures, the gaps, late transfers and the last 14 days."""
    user = request.user
    if not user.may("grid.view"):  # residents: their own records, on 我的
        return redirect("portal:me")
    if not user.scope_prefixes:
        return render(request, "core/no_scope.html")
    area = area_in_reach(user=user, code="")
    return render(request, "core/today.html", {"area": area, "today": timezone.localdate(), **today_work(user, area)})


def today_work(user, area) -> dict:
    """What the landing page shows ``user`` for ``area`` (the top of their reach), each part only
    if their role may do or see it."""
    tiles = []
    today = timezone.localdate()
    if can(user, "screening.visit.record"):
        for campaign in screening_selectors.campaigns_for(
            user=user, filters=screening_selectors.CampaignFilters(on_date=today)
        ):
            prefix = screening_selectors.default_area(user=user, campaign=campaign)
            cov = screening_selectors.coverage(user=user, campaign=campaign, prefix=prefix, date=today).area
            tiles.append(
                {
                    "key": f"campaign-{campaign.pk}",
                    "label": campaign.name,
                    "value": f"{cov.households_covered}/{cov.households_total}",
                    "note": _("今日已排查户数"),
                    "alarm": cov.households_missing > 0,
                    "url": reverse("screening:campaign_today", args=[campaign.pk]),
                    "action": _("去排查"),
                }
            )
    if can(user, "health.report.record"):
        everyone = health_selectors.monitored_queryset(user=user, within=area.prefix)
        missing = health_selectors.monitored_queryset(user=user, within=area.prefix, show="missing").count()
        slot = health_selectors.open_slot()
        tiles.append(
            {
                "key": "monitoring",
                "label": _("上午测温未报") if slot == "am" else _("下午测温未报"),
                "value": missing,
                "alarm": missing > 0,
                "note": _("共 %(n)s 人需每日两次测温") % {"n": everyone.count()},
                "url": reverse("health:monitoring") + "?show=missing",
                "action": _("去测温"),
            }
        )
    if can(user, "quarantine.test.record"):
        due = quarantine_selectors.due_test_queryset(user=user, today=today).count()
        tiles.append(
            {
                "key": "tests",
                "label": _("应检核酸"),
                "value": due,
                "alarm": due > 0,
                "note": _("今日到期及逾期未出结果"),
                "url": reverse("quarantine:tests_due"),
                "action": _("录入结果"),
            }
        )
    risks = screening_selectors.risks_open(user=user, within=area.prefix).count()
    if risks:
        tiles.append(
            {
                "key": "risks",
                "label": _("风险线索待核查"),
                "value": risks,
                "alarm": True,
                "note": "",
                "url": reverse("health:gaps") + "?kind=risks_unchecked",
                "action": _("去核查"),
            }
        )
    unread = alert_selectors.unread_count(user=user)
    tiles.append(
        {
            "key": "alerts",
            "label": _("未读预警"),
            "value": "99+" if unread >= 100 else unread,
            "alarm": unread > 0,
            "note": "",
            "url": reverse("alerts:inbox"),
            "action": _("查看"),
        }
    )
    context = {"tiles": tiles}
    if can(user, "health.overview"):
        board = health_selectors.board(user=user, area=area)
        late = transfer_selectors.transfer_queryset(
            user=user, filters=transfer_selectors.TransferFilters(late=True)
        ).count()
        curve = health_selectors.daily_new(user=user, area=area, today=today)
        context.update(
            {
                "board": board,
                "gaps": [(kind, label, board.gaps.get(kind, 0)) for kind, label in health_selectors.GAP_KINDS.items()],
                "late_transfers": late,
                "curve": {
                    "dates": [d.strftime("%m-%d") for d in curve.dates],
                    "series": [{"name": str(EpidemicStatus(s).label), "data": curve.series[s]} for s in curve.series],
                },
            }
        )
    return context


@login_required
def overview(request):
    """The grid and its population (网格与人口): the top of the user's reach, with totals."""
    overview = area_overview(user=request.user)
    if overview is None:
        return render(request, "core/no_scope.html")
    if len(overview.roots) == 1:
        return redirect(overview.roots[0].url)
    return render(request, "core/home.html", {"overview": overview})


def _check_filters(request) -> tuple[DataCheckFilters, list[str]]:
    filters, errors = DataCheckFilters.from_query(request.GET)
    if filters.within:
        area_in_reach(user=request.user, code=filters.within)  # NotFound outside the reach
    return filters, DataCheckFilters.messages(errors)


@login_required
@not_found_as_404
def data_checks_page(request):
    """数据检查: every registered check with how many problems it finds in the user's reach."""
    require(request.user, "core.datachecks.view")
    filters, errors = _check_filters(request)
    query = request.GET.urlencode()
    rows = [
        {
            "check": check,
            "count": check.queryset(user=request.user, filters=filters).count(),
            "url": reverse("core:data_check", args=[check.key]) + (f"?{query}" if query else ""),
        }
        for check in data_checks()
    ]
    return render(request, "core/data_checks.html", {"rows": rows, "within": filters.within, "filter_errors": errors})


@login_required
@not_found_as_404
def data_check_page(request, key: str):
    """One check's problems in the user's reach, a keyset page at a time, each linked to its record."""
    require(request.user, "core.datachecks.view")
    check = data_check(key)
    filters, errors = _check_filters(request)
    qs = check.queryset(user=request.user, filters=filters)
    page = request_page(request, qs)
    return render(
        request,
        "core/data_check.html",
        {
            "check": check,
            "count": qs.count(),
            "problems": [check.describe(row) for row in page.items],
            "within": filters.within,
            "filter_errors": errors,
            **pager_urls(request, page),
        },
    )


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
    require(request.user, "grid.view")
    return JsonResponse(map_features(user=request.user, code=code), json_dumps_params={"ensure_ascii": False})
