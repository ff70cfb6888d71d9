"""Project-level pages that sit above every app (the command views)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from wangge.accounts.permissions import require
from wangge.core.datachecks import DataCheckFilters, data_check, data_checks
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import not_found_as_404
from wangge.grid.selectors import area_in_reach, area_overview


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
