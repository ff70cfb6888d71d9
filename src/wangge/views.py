"""Project-level pages that sit above every app (the command views)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import can, require
from wangge.alerts import selectors as alert_selectors
from wangge.core.datachecks import DataCheckFilters, data_check, data_checks
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import not_found_as_404
from wangge.grid.selectors import area_in_reach, area_overview
from wangge.health import selectors as health_selectors
from wangge.health.models import EpidemicStatus
from wangge.quarantine import selectors as quarantine_selectors
from wangge.screening import selectors as screening_selectors
from wangge.transfer import selectors as transfer_selectors


@login_required
def home(request):
    """The landing page: the user's work today (today's screening, temperatures not yet reported,
    tests due, unread alerts, risk reports to check) and, for those who answer for the epidemic
    picture, today's four-category figures, the gaps, late transfers and the last 14 days."""
    user = request.user
    if not user.may("grid.view"):  # residents: their own records, through self-service
        return render(request, "core/resident_home.html")
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
                user=user, filters=screening_selectors.CampaignFilters(on_date=today)):
            prefix = screening_selectors.default_area(user=user, campaign=campaign)
            cov = screening_selectors.coverage(user=user, campaign=campaign, prefix=prefix, date=today).area
            tiles.append({"key": f"campaign-{campaign.pk}", "label": campaign.name,
                          "value": f"{cov.households_covered}/{cov.households_total}",
                          "note": _("今日已排查户数"), "alarm": cov.households_missing > 0,
                          "url": reverse("screening:campaign_today", args=[campaign.pk]),
                          "action": _("去排查")})
    if can(user, "health.report.record"):
        everyone = health_selectors.monitored_queryset(user=user, within=area.prefix)
        missing = health_selectors.monitored_queryset(user=user, within=area.prefix, show="missing").count()
        slot = health_selectors.open_slot()
        tiles.append({"key": "monitoring", "label": _("上午测温未报") if slot == "am" else _("下午测温未报"),
                      "value": missing, "alarm": missing > 0,
                      "note": _("共 %(n)s 人需每日两次测温") % {"n": everyone.count()},
                      "url": reverse("health:monitoring") + "?show=missing", "action": _("去测温")})
    if can(user, "quarantine.test.record"):
        due = quarantine_selectors.due_test_queryset(user=user, today=today).count()
        tiles.append({"key": "tests", "label": _("应检核酸"), "value": due, "alarm": due > 0,
                      "note": _("今日到期及逾期未出结果"), "url": reverse("quarantine:tests_due"),
                      "action": _("录入结果")})
    risks = screening_selectors.risks_open(user=user, within=area.prefix).count()
    if risks:
        tiles.append({"key": "risks", "label": _("风险线索待核查"), "value": risks, "alarm": True, "note": "",
                      "url": reverse("health:gaps") + "?kind=risks_unchecked", "action": _("去核查")})
    unread = alert_selectors.unread_count(user=user)
    tiles.append({"key": "alerts", "label": _("未读预警"), "value": "99+" if unread >= 100 else unread,
                  "alarm": unread > 0, "note": "", "url": reverse("alerts:inbox"), "action": _("查看")})
    context = {"tiles": tiles}
    if can(user, "health.overview"):
        board = health_selectors.board(user=user, area=area)
        late = transfer_selectors.transfer_queryset(
            user=user, filters=transfer_selectors.TransferFilters(late=True)).count()
        curve = health_selectors.daily_new(user=user, area=area, today=today)
        context.update({
            "board": board,
            "gaps": [(kind, label, board.gaps.get(kind, 0)) for kind, label in health_selectors.GAP_KINDS.items()],
            "late_transfers": late,
            "curve": {"dates": [d.strftime("%m-%d") for d in curve.dates],
                      "series": [{"name": str(EpidemicStatus(s).label), "data": curve.series[s]}
                                 for s in curve.series]},
        })
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
    rows = [{"check": check, "count": check.queryset(user=request.user, filters=filters).count(),
             "url": reverse("core:data_check", args=[check.key]) + (f"?{query}" if query else "")}
            for check in data_checks()]
    return render(request, "core/data_checks.html", {"rows": rows, "within": filters.within,
                                                     "filter_errors": errors})


@login_required
@not_found_as_404
def data_check_page(request, key: str):
    """One check's problems in the user's reach, a keyset page at a time, each linked to its record."""
    require(request.user, "core.datachecks.view")
    check = data_check(key)
    filters, errors = _check_filters(request)
    qs = check.queryset(user=request.user, filters=filters)
    page = request_page(request, qs)
    return render(request, "core/data_check.html", {
        "check": check, "count": qs.count(), "problems": [check.describe(row) for row in page.items],
        "within": filters.within, "filter_errors": errors, **pager_urls(request, page),
    })
