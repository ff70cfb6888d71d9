"""Gate pages: the gates I may work now, and the gate page itself (phone-first), which decides
with the server in one round trip and, when the server cannot be reached, by itself
(``static/gates/gate.js``).  Views read the request, call a selector and render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from wangge.accounts.permissions import refusal, role_may
from wangge.core.lists import pager_urls, request_page
from wangge.core.views import forbidden, not_found_as_404
from wangge.gates import rules, selectors


@login_required
def my_gates(request):
    if not role_may(request.user, selectors.SCAN):
        return forbidden(request, refusal(selectors.SCAN))
    qs = selectors.gates_of_guard(user=request.user)
    page = request_page(request, qs)
    return render(request, "gates/my_gates.html", {"gates": page.items, **pager_urls(request, page)})


@login_required
@not_found_as_404
def gate(request, pk: int):
    if not role_may(request.user, selectors.SCAN):
        return forbidden(request, refusal(selectors.SCAN))
    checkpoint = selectors.gate_for_guard(user=request.user, checkpoint_id=pk).checkpoint
    config = {
        "checkpoint": checkpoint.pk,
        "scan": "/api/v1/gates/scan",
        "scans": "/api/v1/gates/scans",
        "keys": "/api/v1/gates/keys",
        "revocations": "/api/v1/gates/revocations",
        "offline": f"/api/v1/gates/checkpoints/{checkpoint.pk}/offline",
        "reasons": rules.reason_texts(),
        "fever": rules.FEVER_TENTHS,
        "levels": {level: {"visitors": r.visitors, "exit": r.resident_exit} for level, r in rules.LEVEL_RULES.items()},
        "home": reverse("gates:mine"),
    }
    return render(request, "gates/gate.html", {"checkpoint": checkpoint, "config": config})
