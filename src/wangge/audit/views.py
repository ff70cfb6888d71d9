"""The audit log page: read only, for auditors and command staff, narrowed to their reach."""

from __future__ import annotations

import base64
import datetime as dt
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from wangge.audit.forms import AuditSearchForm
from wangge.audit.selectors import audit_entry_list


def _encode_cursor(at: dt.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([at.isoformat(), pk]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        at, pk = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
        return dt.datetime.fromisoformat(at), int(pk)
    except (ValueError, TypeError):
        return None


@login_required
def entry_list(request):
    if not request.user.can_read_audit:
        raise Http404
    form = AuditSearchForm(request.GET or None)
    qs = audit_entry_list(user=request.user, **form.selector_kwargs())
    # Keyset on (-at, -id): the newest first, and page 1,000 costs what page 1 does.
    position = _decode_cursor(request.GET.get("cursor", ""))
    if position:
        at, pk = position
        qs = qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    limit = settings.WANGGE_PAGE_SIZE
    entries = list(qs[: limit + 1])
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "cursor" and v])
    next_url = ""
    if len(entries) > limit:
        entries = entries[:limit]
        cursor = urlencode({"cursor": _encode_cursor(entries[-1].at, entries[-1].pk)})
        next_url = "?" + (f"{query}&{cursor}" if query else cursor)
    return render(request, "audit/entry_list.html", {
        "form": form,
        "entries": entries,
        "next_url": next_url,
        "first_url": "?" + query,
        "has_previous": bool(position),
    })
