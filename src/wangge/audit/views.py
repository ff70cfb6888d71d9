"""The audit log page: read only, for auditors and command staff, narrowed to their reach."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from wangge.audit.forms import AuditSearchForm
from wangge.audit.selectors import audit_entry_page


@login_required
def entry_list(request):
    if not request.user.may("audit.view"):
        raise Http404
    form = AuditSearchForm(request.GET or None)
    page = audit_entry_page(user=request.user, cursor=request.GET.get("cursor", ""), **form.selector_kwargs())
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "cursor" and v])
    next_url = ""
    if page.next_cursor:
        cursor = urlencode({"cursor": page.next_cursor})
        next_url = "?" + (f"{query}&{cursor}" if query else cursor)
    return render(request, "audit/entry_list.html", {
        "form": form,
        "entries": page.entries,
        "next_url": next_url,
        "first_url": "?" + query,
        "has_previous": page.has_previous,
    })
