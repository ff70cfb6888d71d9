"""The audit log page: read only, for auditors and command staff, narrowed to their reach."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from wangge.audit.forms import AuditSearchForm
from wangge.audit.selectors import audit_entry_list
from wangge.audit.words import describe
from wangge.core.lists import pager_urls, request_page


@login_required
def entry_list(request):
    if not request.user.may("audit.view"):
        raise Http404
    form = AuditSearchForm.read(request.GET)
    page = request_page(request, audit_entry_list(user=request.user, filters=form.filters))
    for entry in page.items:
        entry.words = describe(entry, request.user)  # types, fields, channel in words; the record's link
    return render(request, "audit/entry_list.html", {
        "form": form,
        "entries": page.items,
        **pager_urls(request, page),
    })
