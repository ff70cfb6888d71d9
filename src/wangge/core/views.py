from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from wangge.grid.selectors import area_overview


@login_required
def home(request):
    if request.user.role == "resident" and not request.user.is_superuser:
        return render(request, "core/resident_home.html")
    overview = area_overview(user=request.user)
    if overview is None:
        return render(request, "core/no_scope.html")
    if len(overview.roots) == 1:
        return redirect(overview.roots[0].url)
    return render(request, "core/home.html", {"overview": overview})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
