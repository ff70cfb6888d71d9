"""Project-level pages that sit above every app (the command views)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from wangge.grid.selectors import area_overview


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
