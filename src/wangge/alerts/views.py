"""The alert inbox: a user's alerts (their role, their reach), unread first; mark read; the badge."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wangge.accounts.services import common_prefix
from wangge.alerts import selectors, services
from wangge.alerts.models import AlertKind
from wangge.audit.context import Actor
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import not_found_as_404
from wangge.exports.audited import audited_export


@login_required
def inbox(request):
    filters, errors = selectors.AlertFilters.from_query(request.GET)
    qs = selectors.inbox_list(user=request.user, filters=filters)
    page = request_page(request, qs)
    return render(request, "alerts/inbox.html", {
        "alerts": page.items, "page": page, "total": qs.count(), **pager_urls(request, page),
        "unread": qs.filter(is_read=False).count(),
        "filters": filters, "kinds": AlertKind.choices,
        "filter_errors": selectors.AlertFilters.messages(errors),
        "export_query": urlencode(filters.audit_dump()),
    })


@login_required
def inbox_export(request):
    filters, _errors = selectors.AlertFilters.from_query(request.GET)
    return audited_export(
        actor=Actor.from_request(request), object_type="alerts.alert", grid_code=common_prefix(request.user),
        filters=filters.audit_dump(), filename="预警.xlsx", headers=selectors.INBOX_EXPORT_HEADERS,
        rows=selectors.inbox_export_rows(user=request.user, filters=filters),
    )


@login_required
@not_found_as_404
def alert_open(request, pk: int):
    """Open the record behind an alert; opening it marks it read."""
    alert = selectors.alert_in_inbox(user=request.user, pk=pk)
    services.alert_mark_read(user=request.user, alert=alert)
    if alert.link and url_has_allowed_host_and_scheme(alert.link, allowed_hosts=None):
        return redirect(alert.link)
    return redirect("alerts:inbox")


@login_required
@require_POST
@not_found_as_404
def alert_read(request, pk: int):
    alert = selectors.alert_in_inbox(user=request.user, pk=pk)
    services.alert_mark_read(user=request.user, alert=alert)
    if getattr(request, "htmx", None):
        alert.is_read = True
        response = render(request, "alerts/_alert_row.html", {"a": alert})
        response["HX-Trigger"] = "alerts-changed"
        return response
    return redirect("alerts:inbox")


@login_required
@require_POST
def alert_read_all(request):
    """标为已读: every unread alert of the inbox as it is filtered (a kind, or all), in one go."""
    filters, _errors = selectors.AlertFilters.from_query(request.POST)
    n = services.alert_mark_all_read(user=request.user, alerts=selectors.inbox(user=request.user, filters=filters))
    messages.success(request, ngettext("已将 %(n)s 条预警标为已读", "已将 %(n)s 条预警标为已读", n) % {"n": n})
    query = urlencode({k: v for k, v in filters.audit_dump().items() if v})
    response = redirect(reverse("alerts:inbox") + (f"?{query}" if query else ""))
    response["HX-Trigger"] = "alerts-changed"
    return response


@login_required
def badge(request):
    """A tiny fragment for the nav: the unread count, or nothing."""
    count = selectors.unread_count(user=request.user)
    if not count:
        return HttpResponse("")
    return render(request, "alerts/_badge.html", {"count": count, "label": "99+" if count >= 100 else count})
